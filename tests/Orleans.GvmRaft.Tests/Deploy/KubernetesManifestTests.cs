using System.Globalization;
using k8s;
using k8s.Models;
using Orleans.GvmRaft.Client;
using Orleans.GvmRaft.Client.Runs;
using Orleans.GvmRaft.Silo;
using Orleans.GvmRaft.Silo.Kubernetes;
using Orleans.GvmRaft.Silo.Observability;
using Orleans.GvmRaft.Tests.Deploy.Keda;
using Orleans.GvmRaft.Tests.Security;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orleans.GvmRaft.Tests.Deploy;

/// <summary>
/// The Kubernetes manifests of deploy/k8s, checked where no cluster is: they load with the typed
/// models, every setting is one the silos bind with a valid value, selectors and ports agree, and
/// no secret is written in them.
/// </summary>
public sealed class KubernetesManifestTests
{
    private static readonly string[] SiloDeployments = ["gvm-silo", "gvm-worker", "gvm-trainer"];
    private readonly Manifests _manifests = Manifests.Load();

    [Fact]
    public void EveryManifestLoadsWithTheTypedModelsInStrictMode()
    {
        var kinds = _manifests.Objects.Select(o => o.Object.GetType().Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["ScaledObject", "V1ConfigMap", "V1ConfigMap", "V1Deployment", "V1Deployment", "V1Deployment", "V1Job", "V1Namespace", "V1PersistentVolumeClaim",
             "V1PodDisruptionBudget", "V1Role", "V1RoleBinding", "V1Service", "V1ServiceAccount"],
            kinds);
        Assert.All(_manifests.Objects, o => Assert.False(string.IsNullOrEmpty(((IMetadata<V1ObjectMeta>)o.Object).Metadata.Name), o.File));

        // Strict: a misspelt field, at any depth, fails the load rather than being dropped.
        string silo = File.ReadAllText(Path.Combine(Manifests.Folder, "control-silo.yaml"));
        string misspelt = silo.Replace("terminationGracePeriodSeconds:", "terminationGracePeriodSecond:", StringComparison.Ordinal);
        Assert.NotEqual(silo, misspelt);
        Assert.ThrowsAny<YamlException>(() => KubernetesYaml.LoadAllFromString(misspelt, Manifests.CustomTypes, strict: true));
        string scaler = File.ReadAllText(Path.Combine(Manifests.Folder, "worker-autoscaler.yaml"));
        string autoscaler = scaler.Replace("pollingInterval:", "pollInterval:", StringComparison.Ordinal);
        Assert.NotEqual(scaler, autoscaler);
        Assert.ThrowsAny<YamlException>(() => KubernetesYaml.LoadAllFromString(autoscaler, Manifests.CustomTypes, strict: true));
    }

    [Fact]
    public void TheKustomizationAppliesEveryManifestAndNamesEveryImage()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(Manifests.Folder, "kustomization.yaml"))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var resources = ((YamlSequenceNode)root["resources"]).Select(n => n.ToString()).Order(StringComparer.Ordinal);
        Assert.Equal(Manifests.Files().Select(Path.GetFileName), resources);

        var images = ((YamlSequenceNode)root["images"]).Select(n => ((YamlMappingNode)n)["name"].ToString()).Order(StringComparer.Ordinal);
        var used = Pods().SelectMany(p => p.Spec.Containers).Select(c => c.Image).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(used, images);
        Assert.Equal(["gvm", "gvm-silo", "gvm-worker"], images);
    }

    [Fact]
    public void EverySettingTheSilosGetIsOneTheyBindWithAValidValue()
    {
        using var ca = ThrowawayCa.Create("gvm-manifest-ca");
        foreach (string name in SiloDeployments)
        {
            var container = Assert.Single(_manifests.Deployment(name).Spec.Template.Spec.Containers);
            var environment = Mounted(_manifests.Environment(container), container, ca);
            Assert.Empty(SiloSettings.Problems(environment, worker: name != "gvm-silo"));
        }
    }

    [Fact]
    public void TheSettingsCheckRefusesWhatTheSiloWouldNotBind()
    {
        Dictionary<string, string> valid = new() { ["Gvm__Silo__SiloPort"] = "11111", ["Orleans__Membership__ProbeTimeout"] = "00:00:10" };
        Assert.Empty(SiloSettings.Problems(valid, worker: false));
        Assert.Contains(SiloSettings.Problems(new Dictionary<string, string> { ["Gvm__Silo__SiloPrt"] = "11111" }, worker: false), p => p.Contains("SiloPrt", StringComparison.Ordinal));
        Assert.Contains(SiloSettings.Problems(new Dictionary<string, string> { ["Gvm__Checkpoints__Directory"] = "/x" }, worker: false), p => p.Contains("Gvm:Checkpoints", StringComparison.Ordinal));
        Assert.Empty(SiloSettings.Problems(new Dictionary<string, string> { ["Gvm__Checkpoints__Directory"] = "/x" }, worker: true));
        Assert.Contains(SiloSettings.Problems(new Dictionary<string, string> { ["Gvm__Metrics__Port"] = "0" }, worker: false), p => p.Contains("Gvm:Metrics:Port", StringComparison.Ordinal));
        Assert.Contains(SiloSettings.Problems(new Dictionary<string, string> { ["Orleans__Membrship__ProbeTimeout"] = "00:00:10" }, worker: false), p => p.Contains("Orleans:Membrship", StringComparison.Ordinal));
        Assert.Contains(SiloSettings.Problems(new Dictionary<string, string> { ["Orleans__Membership__ProbeTimeOut2"] = "1" }, worker: false), p => p.Contains("ProbeTimeOut2", StringComparison.Ordinal));
        Assert.Contains(SiloSettings.Problems(new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = "Host=x" }, worker: false), p => p.Contains("ConnectionStrings:Postgres", StringComparison.Ordinal));
    }

    [Fact]
    public void SelectorsMatchTheLabelsOfWhatTheySelect()
    {
        var deployments = _manifests.All<V1Deployment>().ToList();
        foreach (var deployment in deployments)
        {
            Assert.True(Matches(deployment.Spec.Selector.MatchLabels, deployment.Spec.Template.Metadata.Labels), $"{deployment.Metadata.Name}: its selector does not match its pods");
        }

        var gateway = Assert.Single(_manifests.All<V1Service>());
        var served = Assert.Single(deployments, d => Matches(gateway.Spec.Selector, d.Spec.Template.Metadata.Labels));
        Assert.Equal("gvm-silo", served.Metadata.Name);

        var budget = Assert.Single(_manifests.All<V1PodDisruptionBudget>());
        Assert.Equal("gvm-silo", Assert.Single(deployments, d => Matches(budget.Spec.Selector.MatchLabels, d.Spec.Template.Metadata.Labels)).Metadata.Name);

        var scaler = Assert.Single(_manifests.All<ScaledObject>());
        Assert.Equal("gvm-worker", _manifests.Deployment(scaler.Spec.ScaleTargetRef.Name).Metadata.Name);

        // Everything a pod refers to by name exists, apart from the secrets the operator creates.
        foreach (var pod in Pods())
        {
            if (pod.Spec.ServiceAccountName is { } account)
            {
                Assert.Contains(_manifests.All<V1ServiceAccount>(), a => a.Metadata.Name == account);
            }

            foreach (var volume in pod.Spec.Volumes ?? [])
            {
                if (volume.ConfigMap is { } map)
                {
                    _ = _manifests.ConfigMap(map.Name);
                }

                if (volume.PersistentVolumeClaim is { } claim)
                {
                    Assert.Contains(_manifests.All<V1PersistentVolumeClaim>(), c => c.Metadata.Name == claim.ClaimName);
                }
            }

            Assert.All(pod.Spec.Containers.SelectMany(c => c.VolumeMounts ?? []), m => Assert.Contains(pod.Spec.Volumes ?? [], v => v.Name == m.Name));
        }
    }

    [Fact]
    public void PortsAgreeWithTheSettings()
    {
        foreach (string name in SiloDeployments)
        {
            var pod = _manifests.Deployment(name).Spec.Template;
            var container = Assert.Single(pod.Spec.Containers);
            var environment = _manifests.Environment(container);
            int Setting(string key, int fallback) => environment.TryGetValue(key, out string? v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
            var defaults = new GvmSiloOptions();
            int siloPort = Setting("Gvm__Silo__SiloPort", defaults.SiloPort);
            int gatewayPort = Setting("Gvm__Silo__GatewayPort", defaults.GatewayPort);
            int metricsPort = Setting("Gvm__Metrics__Port", new GvmMetricsOptions().Port);
            var ports = container.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);

            Assert.Equal(siloPort, ports["silo"]);
            Assert.Equal(metricsPort, ports["metrics"]);
            if (gatewayPort == 0)
            {
                Assert.False(ports.ContainsKey("gateway"), $"{name} opens no gateway but declares one");
            }
            else
            {
                Assert.Equal(gatewayPort, ports["gateway"]);
            }

            Assert.Equal(metricsPort.ToString(CultureInfo.InvariantCulture), pod.Metadata.Annotations["prometheus.io/port"]);
            foreach (var probe in new[] { container.StartupProbe, container.ReadinessProbe, container.LivenessProbe })
            {
                Assert.Equal("metrics", probe.HttpGet.Port.Value);
                Assert.Contains(probe.HttpGet.Path, OperationsEndpoint.Paths);
            }

            Assert.Equal("/readyz", container.ReadinessProbe.HttpGet.Path);
            Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
        }

        var gateway = Assert.Single(_manifests.All<V1Service>()).Spec.Ports.Single();
        Assert.Equal("gateway", gateway.TargetPort.Value);
    }

    [Fact]
    public void NoSecretIsWrittenInTheManifestsAndEverySecretIsDocumented()
    {
        Assert.Empty(_manifests.All<V1Secret>());
        string text = string.Join('\n', Manifests.Files().Select(File.ReadAllText));
        foreach (string pattern in new[] { "Password=", "AccountKey=", "SharedAccessSignature=", "-----BEGIN", "Username=" })
        {
            Assert.DoesNotContain(pattern, text, StringComparison.OrdinalIgnoreCase);
        }

        var secrets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in Pods())
        {
            foreach (var variable in pod.Spec.Containers.SelectMany(c => c.Env ?? []))
            {
                bool secret = variable.Name.StartsWith("ConnectionStrings__", StringComparison.Ordinal) || variable.Name.Contains("Password", StringComparison.OrdinalIgnoreCase);
                Assert.True(!secret || variable.ValueFrom?.SecretKeyRef is not null, $"{variable.Name} must come from a secret");
                if (variable.ValueFrom?.SecretKeyRef is { } reference)
                {
                    secrets.Add(reference.Name);
                }
            }

            secrets.UnionWith((pod.Spec.Volumes ?? []).Where(v => v.Secret is not null).Select(v => v.Secret.SecretName));
        }

        Assert.Equal(["gvm-client-tls", "gvm-postgres", "gvm-tls"], secrets.Order(StringComparer.Ordinal));
        string readme = File.ReadAllText(Path.Combine(Manifests.Folder, "..", "README.md"));
        Assert.All(secrets, s => Assert.Matches($"kubectl .*create secret generic {s} ", readme));
    }

    [Fact]
    public void SilosRunUnderOrleansKubernetesHostingWithThePodWatchingRole()
    {
        var role = Assert.Single(_manifests.All<V1Role>());
        var rule = Assert.Single(role.Rules);
        Assert.Equal(["pods"], rule.Resources);
        Assert.Equal(["get", "list", "patch", "watch"], rule.Verbs.Order(StringComparer.Ordinal));
        var binding = Assert.Single(_manifests.All<V1RoleBinding>());
        Assert.Equal(role.Metadata.Name, binding.RoleRef.Name);

        foreach (string name in SiloDeployments)
        {
            var pod = _manifests.Deployment(name).Spec.Template;
            var environment = _manifests.Environment(Assert.Single(pod.Spec.Containers));

            // Kubernetes sets the API server's address in every container; the rest is the manifest's.
            environment[PodEnvironment.ApiServerHost] = "10.0.0.1";
            Assert.True(PodEnvironment.IsPod(v => environment.GetValueOrDefault(v)), $"{name} does not declare its pod");
            Assert.Equal(Manifests.PodIp, environment["Gvm__Silo__AdvertisedAddress"]);
            Assert.Equal("0.0.0.0", environment["Gvm__Silo__ListenAddress"]);

            // The hosting watches the pods labelled with the cluster's ids, and declares a silo whose
            // pod is gone dead: a silo pod without them would be declared dead at once.
            Assert.Equal(environment["Gvm__Silo__ClusterId"], pod.Metadata.Labels["orleans/clusterId"]);
            Assert.Equal(environment["Gvm__Silo__ServiceId"], pod.Metadata.Labels["orleans/serviceId"]);
            Assert.Contains(binding.Subjects, s => s.Kind == "ServiceAccount" && s.Name == pod.Spec.ServiceAccountName);
        }
    }

    [Fact]
    public void WorkerSilosRunOnGpuNodesAndScaleOnTheQueue()
    {
        var pod = _manifests.Deployment("gvm-worker").Spec.Template;
        var container = Assert.Single(pod.Spec.Containers);
        Assert.Equal("gvm-worker", container.Image);
        Assert.Equal(GvmRaft.Workers.WorkerRole.Rollout, pod.Metadata.Labels[GvmRaft.Workers.WorkerRole.MetadataKey]);
        Assert.Equal(GvmRaft.Workers.WorkerRole.Rollout, GvmRaft.Workers.WorkerRole.OfSetting(_manifests.Environment(container)["Gvm__Worker__Role"]));
        Assert.Equal(new ResourceQuantity("1"), container.Resources.Limits["nvidia.com/gpu"]);
        Assert.Equal(container.Resources.Limits["nvidia.com/gpu"], container.Resources.Requests["nvidia.com/gpu"]);
        Assert.Contains(pod.Spec.Tolerations, t => t.Key == "nvidia.com/gpu" && t.Effect == "NoSchedule");
        Assert.NotEmpty(pod.Spec.NodeSelector);
        Assert.DoesNotContain(_manifests.Deployment("gvm-silo").Spec.Template.Spec.Containers, c => c.Resources.Limits?.ContainsKey("nvidia.com/gpu") == true);

        var scaler = Assert.Single(_manifests.All<ScaledObject>()).Spec;
        Assert.True(scaler.MinReplicaCount >= 1, "keep one rollout worker for the first stage's items");
        Assert.True(scaler.MaxReplicaCount > scaler.MinReplicaCount);
        Assert.Null(_manifests.Deployment("gvm-worker").Spec.Replicas);
        var trigger = Assert.Single(scaler.Triggers);
        Assert.Equal("prometheus", trigger.Type);
        Assert.Equal($"sum(gvm_rollout_queue_depth{{served_by=\"{Telemetry.RunGauges.WorkerSilos}\"}}) or vector(0)", trigger.Metadata["query"]);

        // One worker per claim: more workers than claims of the queue would sit idle.
        var environment = _manifests.Environment(container);
        int claim = environment.TryGetValue("Gvm__Worker__ClaimSize", out string? size) ? int.Parse(size, CultureInfo.InvariantCulture) : new Worker.Rollouts.WorkerOptions().ClaimSize;
        Assert.Equal(claim, int.Parse(trigger.Metadata["threshold"], CultureInfo.InvariantCulture));

        // The checkpoint volume every worker writes: shared, of a class the operator names.
        var claimVolume = Assert.Single(_manifests.All<V1PersistentVolumeClaim>()).Spec;
        Assert.Equal(["ReadWriteMany"], claimVolume.AccessModes);
        Assert.False(string.IsNullOrEmpty(claimVolume.StorageClassName));
    }

    [Fact]
    public void TrainerSilosRunOnGpuNodesApartFromTheRolloutWorkers()
    {
        // The trainer workload: the worker image with the trainer role, a GPU, a fixed count the
        // autoscaler leaves alone, and the checkpoint volume it writes versions to.
        var pod = _manifests.Deployment("gvm-trainer").Spec.Template;
        var container = Assert.Single(pod.Spec.Containers);
        Assert.Equal("gvm-worker", container.Image);
        Assert.Equal(GvmRaft.Workers.WorkerRole.Trainer, pod.Metadata.Labels[GvmRaft.Workers.WorkerRole.MetadataKey]);
        var environment = _manifests.Environment(container);
        Assert.Equal(GvmRaft.Workers.WorkerRole.Trainer, GvmRaft.Workers.WorkerRole.OfSetting(environment["Gvm__Worker__Role"]));
        Assert.Equal(new ResourceQuantity("1"), container.Resources.Limits["nvidia.com/gpu"]);
        Assert.True(_manifests.Deployment("gvm-trainer").Spec.Replicas >= 1);
        Assert.DoesNotContain(_manifests.All<ScaledObject>(), s => s.Spec.ScaleTargetRef.Name == "gvm-trainer");
        Assert.Equal(environment["Gvm__Checkpoints__Directory"], Assert.Single(container.VolumeMounts, m => m.Name == "checkpoints").MountPath);
    }

    [Fact]
    public void ShutdownHasTimeForOrleansToHandGrainsOver()
    {
        foreach (string name in SiloDeployments)
        {
            var pod = _manifests.Deployment(name).Spec.Template.Spec;
            string image = Assert.Single(pod.Containers).Image;
            int hostTimeout = int.Parse(Dockerfiles.Read(image).Environment["DOTNET_shutdownTimeoutSeconds"], CultureInfo.InvariantCulture);
            Assert.True(hostTimeout >= 60, $"{image}: the host stops waiting for Orleans after {hostTimeout} s");
            Assert.True(pod.TerminationGracePeriodSeconds >= hostTimeout + 15, $"{name}: Kubernetes kills the pod before the host's {hostTimeout} s are up");
        }
    }

    [Fact]
    public void TheJobImportsThePromptSetItsRunDrawsFromAndStartsAValidRun()
    {
        var job = Assert.Single(_manifests.All<V1Job>());
        var container = Assert.Single(job.Spec.Template.Spec.Containers);
        Assert.Equal("gvm", container.Image);
        var environment = _manifests.Environment(container);
        var silo = _manifests.Environment(Assert.Single(_manifests.Deployment("gvm-silo").Spec.Template.Spec.Containers));
        Assert.Equal(silo["Gvm__Silo__ClusterId"], environment["GVM_CLUSTER_ID"]);
        Assert.Equal(silo["Gvm__Silo__ServiceId"], environment["GVM_SERVICE_ID"]);
        Assert.Equal(silo["Gvm__Silo__Clustering"], environment["GVM_CLUSTERING"]);

        var mount = Assert.Single(container.VolumeMounts, m => m.Name == "run");
        string runYaml = _manifests.ConfigMap("gvm-run").Data["run.yaml"];
        var (runId, config) = RunConfigFile.Parse(runYaml, yaml: true, "gvm-run/run.yaml");
        config.Validate();
        Assert.Equal("cuda", config.PolicyOrDefault.Device);

        // Each gvm command of the script parses as the client would, and the run reads the set imported.
        string[] commands = [.. container.Args.Single().Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("gvm ", StringComparison.Ordinal))];
        Assert.Equal(3, commands.Length);
        var root = GvmCli.Create();
        foreach (string command in commands)
        {
            string[] args = [.. command.Split('>')[0].Split("&&")[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)];
            Assert.Empty(root.Parse(args).Errors);
        }

        Assert.Contains($"--set {config.PromptSet} ", commands[1] + " ", StringComparison.Ordinal);
        Assert.Contains($"--config {mount.MountPath}/run.yaml", commands[2], StringComparison.Ordinal);
        Assert.Equal("arithmetic-gvm", runId);
    }

    private IEnumerable<V1PodTemplateSpec> Pods() =>
        _manifests.All<V1Deployment>().Select(d => d.Spec.Template).Concat(_manifests.All<V1Job>().Select(j => j.Spec.Template));

    private static bool Matches(IDictionary<string, string> selector, IDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out string? v) && v == s.Value);

    // What the container finds at its mounted secret: the files a throwaway CA issued, named by the
    // keys the secret must hold (tls.crt, tls.key, ca.crt); a secret's variable gets a stand-in.
    private static Dictionary<string, string> Mounted(Dictionary<string, string> environment, V1Container container, ThrowawayCa ca)
    {
        var tls = Assert.Single(container.VolumeMounts, m => m.Name == "tls").MountPath;
        var (certificate, key) = ca.Issue("manifest-silo");
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [$"{tls}/tls.crt"] = certificate,
            [$"{tls}/tls.key"] = key,
            [$"{tls}/ca.crt"] = ca.CaPath,
        };
        return environment.ToDictionary(
            e => e.Key,
            e => files.TryGetValue(e.Value, out string? file) ? file
                : e.Value.StartsWith("secret:", StringComparison.Ordinal) ? "Host=db.example;Database=gvm" : e.Value,
            StringComparer.Ordinal);
    }
}
