namespace Orleans.GvmRaft.Tests.Deploy;

/// <summary>The images of deploy/docker, by the name the manifests use for them.</summary>
public static class Dockerfiles
{
    /// <summary>Image name, its Dockerfile, the role deploy/publish.sh takes, and the executable it runs.</summary>
    public static readonly (string Image, string File, string Role, string Executable)[] Images =
    [
        ("gvm-silo", "silo.Dockerfile", "silo", "gvm-silo"),
        ("gvm-worker", "worker.Dockerfile", "worker", "gvm-worker"),
        ("gvm", "client.Dockerfile", "client", "gvm"),
    ];

    /// <summary>The folder of the Dockerfiles.</summary>
    public static string Folder => Path.Combine(Policy.ReferenceFixtures.RepositoryRoot(), "deploy", "docker");

    /// <summary>The Dockerfile of <paramref name="image"/>.</summary>
    public static Dockerfile Read(string image) => Dockerfile.Parse(Path.Combine(Folder, Images.Single(i => i.Image == image).File));
}
