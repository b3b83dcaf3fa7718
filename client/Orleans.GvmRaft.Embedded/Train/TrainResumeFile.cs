using System.Text.Json;

namespace Orleans.GvmRaft.Embedded.Train;

/// <summary>
/// <c>run.json</c> in a run folder of <c>gvm-embedded train</c>: what <c>train --resume DIR</c>
/// needs to go on with a run whose process died. The run's state (its grain, queue, trainer and
/// checkpoints) lives in the SQLite state file; this names the run and that file.
/// </summary>
/// <param name="RunId">The run.</param>
/// <param name="StateDb">The SQLite state file, as a full path.</param>
/// <param name="Arm">What the progress bar calls the run's allocator.</param>
public sealed record TrainResumeFile(string RunId, string StateDb, string Arm)
{
    /// <summary>The file's name in a run folder.</summary>
    public const string FileName = "run.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Writes the file into <paramref name="folder"/> (created if missing).</summary>
    public void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json));
    }

    /// <summary>Reads the file of <paramref name="folder"/>.</summary>
    /// <exception cref="ArgumentException">The folder holds no readable run.json, or its state file is gone.</exception>
    public static TrainResumeFile Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            throw new ArgumentException($"train --resume: {path} does not exist: only a run folder of gvm-embedded train on SQLite state (the default) can be resumed.");
        }

        TrainResumeFile? file;
        try
        {
            file = JsonSerializer.Deserialize<TrainResumeFile>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"train --resume: {path} is not valid JSON: {e.Message}", e);
        }

        if (file is not { RunId.Length: > 0, StateDb.Length: > 0, Arm: not null })
        {
            throw new ArgumentException($"train --resume: {path} lacks runId, stateDb or arm.");
        }

        return File.Exists(file.StateDb)
            ? file
            : throw new ArgumentException($"train --resume: the run's state file {file.StateDb} is gone; the run cannot go on.");
    }
}
