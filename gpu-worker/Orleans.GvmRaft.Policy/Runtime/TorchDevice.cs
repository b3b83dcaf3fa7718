using System.Diagnostics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Orleans.GvmRaft.Policy.Runtime;

/// <summary>
/// Chooses where the policy runs. The CPU uses the libtorch that ships with TorchSharp-cpu. CUDA
/// uses the CUDA libtorch of an installed PyTorch: the CUDA TorchSharp packages are not always
/// available, and TorchSharp's managed layer works against PyTorch's own libraries when they are
/// loaded before the first use of <c>torch</c>.
/// </summary>
public static class TorchDevice
{
    // Load order matters: each library needs the ones before it already in the process.
    private static readonly string[] CudaLibraries = ["libc10.so", "libtorch_cpu.so", "libtorch.so", "libc10_cuda.so", "libtorch_cuda.so"];

    private static readonly Lock Gate = new();
    private static string? _loadedFrom;

    /// <summary>
    /// Returns the device named <c>cpu</c> or <c>cuda</c> (optionally <c>cuda:N</c>), loading the CUDA
    /// libraries first when needed. The folder comes from GVM_LIBTORCH_DIR, else from the
    /// <c>torch</c> package of <c>python3</c>.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown device name.</exception>
    /// <exception cref="InvalidOperationException">CUDA was asked for and cannot be used; the message says why.</exception>
    public static Device Resolve(string name)
    {
        if (name == "cpu")
        {
            return CPU;
        }

        if (!name.StartsWith("cuda", StringComparison.Ordinal))
        {
            throw new ArgumentException($"unknown device '{name}' (expected cpu or cuda).");
        }

        lock (Gate)
        {
            if (_loadedFrom is null)
            {
                string folder = Environment.GetEnvironmentVariable("GVM_LIBTORCH_DIR") ?? FindPyTorchLibraries()
                    ?? throw new InvalidOperationException(
                        "cuda: no CUDA libtorch found. Install PyTorch with CUDA for python3, or set GVM_LIBTORCH_DIR to its torch/lib folder, " +
                        "or reference the TorchSharp-cuda-linux package instead of TorchSharp-cpu.");
                foreach (string library in CudaLibraries)
                {
                    string path = Path.Combine(folder, library);
                    if (!NativeLibrary.TryLoad(path, out _))
                    {
                        throw new InvalidOperationException($"cuda: could not load {path}.");
                    }
                }

                _loadedFrom = folder;
            }
        }

        if (!cuda.is_available())
        {
            throw new InvalidOperationException($"cuda: libtorch from {_loadedFrom} loaded, but no CUDA device is available.");
        }

        return new Device(name);
    }

    private static string? FindPyTorchLibraries()
    {
        try
        {
            using var python = Process.Start(new ProcessStartInfo("python3", ["-c", "import os, torch; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (python is null)
            {
                return null;
            }

            string output = python.StandardOutput.ReadToEnd().Trim();
            python.WaitForExit();
            return python.ExitCode == 0 && Directory.Exists(output) ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
