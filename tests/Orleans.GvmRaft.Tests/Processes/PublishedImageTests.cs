using System.Globalization;
using Orleans.GvmRaft.Client.Cluster;
using Orleans.GvmRaft.Tests.Backends;
using Orleans.GvmRaft.Tests.Deploy;

namespace Orleans.GvmRaft.Tests.Processes;

/// <summary>
/// What the silo image runs, short of Docker: gvm-silo published by deploy/publish.sh (the
/// Dockerfile's own command), started with the Dockerfile's environment, judged by the image's
/// health check script. Alone in the process collection, since publishing takes a core for a minute.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class PublishedImageTests
{
    [Fact]
    public async Task ThePublishedSiloPassesTheImagesHealthCheckUntilItStops()
    {
        string root = Policy.ReferenceFixtures.RepositoryRoot();
        string folder = Path.Combine(Path.GetTempPath(), $"gvm-published-silo-{Guid.NewGuid():N}");
        try
        {
            var publish = await ExternalProcess.CaptureAsync("bash", [Path.Combine(root, "deploy", "publish.sh"), "silo", folder], timeout: TimeSpan.FromMinutes(8));
            Assert.True(publish.ExitCode == 0, publish.Error);
            var dockerfile = Dockerfiles.Read("gvm-silo");
            string executable = Path.Combine(folder, dockerfile.All("ENTRYPOINT").Single().Trim('[', ']', '"')["/app/".Length..]);

            // The image's environment, on free ports: a test machine may be using the image's.
            int[] ports = LoopbackPort.Free(3);
            var environment = dockerfile.Environment.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
            environment["Gvm__Metrics__Port"] = ports[2].ToString(CultureInfo.InvariantCulture);
            string check = Path.Combine(root, "deploy", "docker", "healthcheck.sh");
            Assert.NotEqual(0, await HealthCheckAsync(check, environment, "/readyz"));

            using var silo = SiloProcess.Start(executable, "published", ports[0],
                [
                    "--Gvm:Silo:SiloPort", ports[0].ToString(CultureInfo.InvariantCulture),
                    "--Gvm:Silo:GatewayPort", ports[1].ToString(CultureInfo.InvariantCulture),
                    "--Gvm:Silo:ClusterId", $"published-{Guid.NewGuid():N}",
                ],
                environment);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
            while (await HealthCheckAsync(check, environment, "/readyz") != 0)
            {
                Assert.False(silo.HasExited || DateTime.UtcNow > deadline, $"the published silo never became healthy:\n{silo.Output}");
                await Task.Delay(500);
            }

            Assert.Equal(0, await HealthCheckAsync(check, environment, "/healthz"));
            Assert.NotEqual(0, await HealthCheckAsync(check, environment, "/no-such-path"));

            await silo.StopAsync();
            Assert.True(silo.HasExited);
            Assert.Contains("Orleans Silo stopped", silo.Output, StringComparison.Ordinal);
            Assert.NotEqual(0, await HealthCheckAsync(check, environment, "/readyz"));
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task<int> HealthCheckAsync(string script, Dictionary<string, string> environment, string path) =>
        (await ExternalProcess.CaptureAsync("bash", [script, path], environment.ToDictionary(e => e.Key, e => (string?)e.Value), TimeSpan.FromSeconds(30))).ExitCode;
}
