using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Orleans.GvmRaft.Tests.Deploy.Keda;

namespace Orleans.GvmRaft.Tests.Deploy;

/// <summary>
/// The Kubernetes manifests of deploy/k8s, loaded with KubernetesClient's typed models in strict
/// mode (a field the model does not know fails the load), and what a container would see of them.
/// </summary>
public sealed partial class Manifests
{
    /// <summary>The pod IP the tests stand in for <c>status.podIP</c>.</summary>
    public const string PodIp = "10.1.2.3";

    private Manifests(IReadOnlyList<(string File, object Object)> objects) => Objects = objects;

    /// <summary>The folder of the manifests.</summary>
    public static string Folder => Path.Combine(Policy.ReferenceFixtures.RepositoryRoot(), "deploy", "k8s");

    /// <summary>The custom resources the manifests use, beyond Kubernetes' own kinds.</summary>
    public static Dictionary<string, Type> CustomTypes => new(StringComparer.Ordinal) { ["keda.sh/v1alpha1/ScaledObject"] = typeof(ScaledObject) };

    /// <summary>Every object of every manifest, with the file it is in.</summary>
    public IReadOnlyList<(string File, object Object)> Objects { get; }

    /// <summary>The files kustomize applies (all but kustomization.yaml).</summary>
    public static IEnumerable<string> Files() =>
        Directory.GetFiles(Folder, "*.yaml").Where(f => Path.GetFileName(f) != "kustomization.yaml").Order(StringComparer.Ordinal);

    /// <summary>Loads every manifest strictly.</summary>
    public static Manifests Load() =>
        new([.. Files().SelectMany(file => KubernetesYaml.LoadAllFromString(File.ReadAllText(file), CustomTypes, strict: true).Select(o => (Path.GetFileName(file), o)))]);

    /// <summary>The objects of one kind.</summary>
    public IEnumerable<T> All<T>() => Objects.Select(o => o.Object).OfType<T>();

    /// <summary>The Deployment named <paramref name="name"/>.</summary>
    public V1Deployment Deployment(string name) => All<V1Deployment>().Single(d => d.Metadata.Name == name);

    /// <summary>The ConfigMap named <paramref name="name"/>.</summary>
    public V1ConfigMap ConfigMap(string name) => All<V1ConfigMap>().Single(c => c.Metadata.Name == name);

    /// <summary>
    /// The environment a container starts with: its config maps' entries, then its own (which win),
    /// <c>$(VAR)</c> expanded as the kubelet does, the pod's fields as a pod would have them and a
    /// secret's value as <c>secret:NAME/KEY</c>.
    /// </summary>
    public Dictionary<string, string> Environment(V1Container container)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            foreach (var (key, value) in ConfigMap(source.ConfigMapRef.Name).Data)
            {
                environment[key] = value;
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            environment[variable.Name] = variable.ValueFrom switch
            {
                { SecretKeyRef: { } secret } => $"secret:{secret.Name}/{secret.Key}",
                { FieldRef.FieldPath: "metadata.name" } => "gvm-silo-7d9f8-abcde",
                { FieldRef.FieldPath: "metadata.namespace" } => "gvm",
                { FieldRef.FieldPath: "status.podIP" } => PodIp,
                { } other => throw new InvalidOperationException($"{container.Name}: {variable.Name} comes from an unexpected source."),
                null => Reference().Replace(variable.Value ?? "", m => environment.TryGetValue(m.Groups[1].Value, out string? v) ? v : m.Value),
            };
        }

        return environment;
    }

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
