using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using k8s.Models;
using Orleans.GvmRaft.Silo;
using Orleans.GvmRaft.Silo.Backends;
using Orleans.GvmRaft.Silo.Observability;

namespace Orleans.GvmRaft.Tests.Deploy;

/// <summary>
/// The images of deploy/docker, read where Docker cannot build them: multi-stage, published by
/// deploy/publish.sh (the settings the tests publish with), non-root, with a health check on the
/// silo's operations endpoint, and ports and users the manifests agree with.
/// </summary>
public sealed partial class DockerfileTests
{
    public static TheoryData<string> Images => [.. Dockerfiles.Images.Select(i => i.Image)];

    [Theory]
    [MemberData(nameof(Images))]
    public void EachImageIsPublishedByTheSharedScriptAndRunsAsANonRootUser(string image)
    {
        var (_, _, role, executable) = Dockerfiles.Images.Single(i => i.Image == image);
        var dockerfile = Dockerfiles.Read(image);
        Assert.True(dockerfile.All("FROM").Count() >= 2, $"{image}: not a multi-stage build");
        Assert.Equal($"bash deploy/publish.sh {role} /app", Assert.Single(dockerfile.All("RUN"), r => r.Contains("publish", StringComparison.Ordinal)));
        Assert.DoesNotContain(dockerfile.All("RUN"), r => r.Contains("dotnet publish", StringComparison.Ordinal));
        Assert.Equal(executable, AssemblyNameOf(PublishedProject(role)));
        Assert.Equal($"[\"/app/{executable}\"]", Assert.Single(dockerfile.All("ENTRYPOINT")));
        Assert.Contains(dockerfile.FinalStage(), i => i.Keyword == "COPY" && i.Arguments == "--from=build /app .");

        string user = Assert.Single(dockerfile.FinalStage(), i => i.Keyword == "USER").Arguments;
        Assert.DoesNotContain(user, new[] { "root", "0", "0:0" });

        // What the build copies from the repository exists in it.
        string root = Policy.ReferenceFixtures.RepositoryRoot();
        foreach (string copy in dockerfile.All("COPY").Where(c => !c.StartsWith("--from", StringComparison.Ordinal)))
        {
            string source = copy.Split(' ')[0];
            Assert.True(source == "." || File.Exists(Path.Combine(root, source)), $"{image}: COPY {source} is not in the repository");
        }

        string health = Assert.Single(dockerfile.All("HEALTHCHECK"));
        if (role == "client")
        {
            Assert.Equal("NONE", health);
        }
        else
        {
            Assert.EndsWith("CMD [\"/app/healthcheck.sh\", \"/readyz\"]", health, StringComparison.Ordinal);
            Assert.Contains("deploy/docker/healthcheck.sh /app/healthcheck.sh", dockerfile.All("COPY"));
            var environment = dockerfile.Environment;
            Assert.Equal("true", environment["Gvm__Metrics__Enabled"]);
            Assert.Equal(new GvmMetricsOptions().Port.ToString(CultureInfo.InvariantCulture), environment["Gvm__Metrics__Port"]);

            int[] exposed = [.. Assert.Single(dockerfile.All("EXPOSE")).Split(' ').Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
            int[] expected = role == "worker"
                ? [new GvmSiloOptions().SiloPort, new GvmMetricsOptions().Port]
                : [new GvmSiloOptions().SiloPort, ClusterDefaults.GatewayPort, new GvmMetricsOptions().Port];
            Assert.Equal(expected, exposed);
        }
    }

    [Fact]
    public void TheWorkerImageCarriesTheCudaLibtorchWhereTheWorkerLoadsIt()
    {
        var dockerfile = Dockerfiles.Read("gvm-worker");
        Assert.StartsWith("nvidia/cuda:", dockerfile.FinalStage().First().Arguments, StringComparison.Ordinal);
        string directory = dockerfile.Environment["GVM_LIBTORCH_DIR"];
        Assert.StartsWith("/opt/torch/", directory, StringComparison.Ordinal);
        Assert.Contains(dockerfile.All("RUN"), r => r.Contains("test -f \"$GVM_LIBTORCH_DIR/libtorch_cuda.so\"", StringComparison.Ordinal));

        // The PyTorch it installs is the one README names as known to work with TorchSharp's build.
        string install = Assert.Single(dockerfile.All("RUN"), r => r.Contains("pip install", StringComparison.Ordinal));
        string version = TorchVersion().Match(install).Groups[1].Value;
        string readme = File.ReadAllText(Path.Combine(Policy.ReferenceFixtures.RepositoryRoot(), "README.md"));
        Assert.Contains($"PyTorch {string.Join('.', version.Split('.').Take(2))} with the managed TorchSharp", readme, StringComparison.Ordinal);
        Assert.Contains("/whl/cu", install, StringComparison.Ordinal);
    }

    [Fact]
    public void ThePodsRunAsTheImagesUser()
    {
        var worker = Dockerfiles.Read("gvm-worker");
        string uid = UserId().Match(Assert.Single(worker.All("RUN"), r => r.Contains("useradd", StringComparison.Ordinal))).Groups[1].Value;

        // 1654 is the uid of the user "app" of Microsoft's .NET images, which the other two use.
        Assert.Equal("1654", uid);
        var manifests = Manifests.Load();
        var pods = manifests.All<V1Deployment>().Select(d => d.Spec.Template.Spec).Concat(manifests.All<V1Job>().Select(j => j.Spec.Template.Spec)).ToList();
        Assert.Equal(4, pods.Count);
        foreach (var pod in pods)
        {
            Assert.Equal(long.Parse(uid, CultureInfo.InvariantCulture), pod.SecurityContext.RunAsUser);
            Assert.True(pod.SecurityContext.RunAsNonRoot);
        }
    }

    // The project deploy/publish.sh publishes for a role, read from its case statement.
    private static string PublishedProject(string role)
    {
        string script = File.ReadAllText(Path.Combine(Policy.ReferenceFixtures.RepositoryRoot(), "deploy", "publish.sh"));
        return Regex.Match(script, $@"^\s*{role}\) project=(\S+?)( ;|;)", RegexOptions.Multiline).Groups[1].Value;
    }

    private static string AssemblyNameOf(string project)
    {
        string folder = Path.Combine(Policy.ReferenceFixtures.RepositoryRoot(), project);
        var csproj = XDocument.Load(Directory.GetFiles(folder, "*.csproj").Single());
        return csproj.Descendants("AssemblyName").Single().Value;
    }

    [GeneratedRegex(@"torch==(\d+\.\d+\.\d+)")]
    private static partial Regex TorchVersion();

    [GeneratedRegex(@"--uid (\d+)")]
    private static partial Regex UserId();
}
