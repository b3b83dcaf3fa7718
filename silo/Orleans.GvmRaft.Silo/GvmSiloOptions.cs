using System.Net;
using Orleans.GvmRaft.Configuration;
using Orleans.GvmRaft.Silo.Backends;

namespace Orleans.GvmRaft.Silo;

/// <summary>How the silo clusters and stores state (section <c>Gvm:Silo</c>).</summary>
public sealed class GvmSiloOptions : IValidatableOptions
{
    /// <inheritdoc />
    public static string SectionName => "Gvm:Silo";

    /// <summary>Cluster id; silos and clients of one cluster share it.</summary>
    public string ClusterId { get; set; } = ClusterDefaults.ClusterId;

    /// <summary>Service id; stable across deployments of the same service, it keys persisted state.</summary>
    public string ServiceId { get; set; } = ClusterDefaults.ServiceId;

    /// <summary>The silo's name (unique in the cluster); a worker silo's rollout worker is <c>worker-{Name}</c>. Generated when empty.</summary>
    public string? Name { get; set; }

    /// <summary>Port silos talk to each other on (on <see cref="ListenAddress"/>).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>
    /// Port clients connect to (on <see cref="ListenAddress"/>); 0 opens no gateway: the silo serves grains but no
    /// clients (worker silos need none, and a client then never routes through a busy worker).
    /// </summary>
    public int GatewayPort { get; set; } = ClusterDefaults.GatewayPort;

    /// <summary>
    /// Silo port of the cluster's primary silo, which the others join through (localhost
    /// clustering); 0 means this silo is the primary.
    /// </summary>
    public int PrimarySiloPort { get; set; }

    /// <summary>
    /// How long a grain call may take: Orleans' 30 s. No call waits for model work (the warm-up
    /// and the updates are background jobs the run grain polls), and calls to a silo that dies
    /// fail as soon as membership says so.
    /// </summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Grain storage: Memory, Sqlite, PostgreSql, Redis, AzureTable or AzureBlob.</summary>
    public StorageKind Storage { get; set; } = StorageKind.Memory;

    /// <summary>Clustering: Localhost, PostgreSql, Redis or AzureTable.</summary>
    public ClusteringKind Clustering { get; set; } = ClusteringKind.Localhost;

    /// <summary>Reminders: Auto (the clustering's store), Memory, PostgreSql, Redis or AzureTable.</summary>
    public RemindersKind Reminders { get; set; } = RemindersKind.Auto;

    /// <summary>
    /// The address the silo and gateway listen on: loopback by default, so nothing listens beyond
    /// this machine unless configured to; <c>0.0.0.0</c> (or <c>::</c>) listens on every interface and
    /// then needs <see cref="AdvertisedAddress"/>. Beyond loopback the silo needs <see cref="Tls"/>
    /// or <see cref="AllowInsecure"/>.
    /// </summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// The address other silos and clients reach this one at (in a pod, the pod IP), when it is not
    /// <see cref="ListenAddress"/>; required when that is every interface.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// Listen beyond loopback without TLS: anyone who reaches the ports can join the cluster or
    /// call any grain. Off, so that exposure is a decision someone wrote down.
    /// </summary>
    public bool AllowInsecure { get; set; }

    /// <summary>TLS between silos and with clients (<c>Gvm:Silo:Tls:*</c>); off unless a certificate is configured.</summary>
    public ClusterTlsOptions Tls { get; set; } = new();

    /// <summary>The address advertised to the cluster.</summary>
    public IPAddress Advertised => IPAddress.Parse(string.IsNullOrWhiteSpace(AdvertisedAddress) ? ListenAddress : AdvertisedAddress);

    /// <summary>Whether anything listens or is reached beyond this machine's loopback.</summary>
    public bool Exposed => !IPAddress.IsLoopback(IPAddress.Parse(ListenAddress)) || !IPAddress.IsLoopback(Advertised);

    /// <summary>
    /// Create the SQL schema and the providers' named statements (deploy/sql/) at start-up when
    /// missing; idempotent, and serialised between silos starting together.
    /// </summary>
    public bool ApplySchema { get; set; } = true;

    /// <summary>The reminder store <see cref="Reminders"/> resolves to.</summary>
    public RemindersKind EffectiveReminders => Reminders != RemindersKind.Auto ? Reminders : Clustering switch
    {
        ClusteringKind.PostgreSql => RemindersKind.PostgreSql,
        ClusteringKind.Redis => RemindersKind.Redis,
        ClusteringKind.AzureTable => RemindersKind.AzureTable,
        _ => RemindersKind.Memory,
    };

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterId))
        {
            yield return $"{SectionName}:ClusterId must not be empty.";
        }

        if (string.IsNullOrWhiteSpace(ServiceId))
        {
            yield return $"{SectionName}:ServiceId must not be empty.";
        }

        if (SiloPort is < 1 or > 65535)
        {
            yield return $"{SectionName}:SiloPort must be between 1 and 65535 (got {SiloPort}).";
        }

        if (GatewayPort is < 0 or > 65535)
        {
            yield return $"{SectionName}:GatewayPort must be between 0 (no gateway) and 65535 (got {GatewayPort}).";
        }

        if (PrimarySiloPort is < 0 or > 65535)
        {
            yield return $"{SectionName}:PrimarySiloPort must be between 0 (this silo) and 65535 (got {PrimarySiloPort}).";
        }

        if (ResponseTimeout <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:ResponseTimeout must be positive (got {ResponseTimeout}).";
        }

        if (SiloPort == GatewayPort)
        {
            yield return $"{SectionName}:SiloPort and {SectionName}:GatewayPort must differ (both {SiloPort}).";
        }

        if (!Enum.IsDefined(Storage))
        {
            yield return $"{SectionName}:Storage must be {string.Join(", ", Enum.GetNames<StorageKind>())} (got {(int)Storage}).";
        }

        if (!Enum.IsDefined(Clustering))
        {
            yield return $"{SectionName}:Clustering must be {string.Join(", ", Enum.GetNames<ClusteringKind>())} (got {(int)Clustering}).";
        }

        if (!Enum.IsDefined(Reminders))
        {
            yield return $"{SectionName}:Reminders must be {string.Join(", ", Enum.GetNames<RemindersKind>())} (got {(int)Reminders}).";
        }

        foreach (string error in ValidateAddresses().Concat(Tls.Validate()))
        {
            yield return error;
        }
    }

    private IEnumerable<string> ValidateAddresses()
    {
        if (!IPAddress.TryParse(ListenAddress, out var listen))
        {
            yield return $"{SectionName}:ListenAddress must be an IP address (got '{ListenAddress}').";
            yield break;
        }

        bool everyInterface = listen.Equals(IPAddress.Any) || listen.Equals(IPAddress.IPv6Any);
        if (string.IsNullOrWhiteSpace(AdvertisedAddress))
        {
            if (everyInterface)
            {
                yield return $"{SectionName}:ListenAddress {ListenAddress} listens on every interface: set {SectionName}:AdvertisedAddress to the address other silos and clients reach this one at (in a pod, the pod IP).";
                yield break;
            }
        }
        else if (!IPAddress.TryParse(AdvertisedAddress, out var advertised))
        {
            yield return $"{SectionName}:AdvertisedAddress must be an IP address (got '{AdvertisedAddress}').";
            yield break;
        }
        else if (advertised.Equals(IPAddress.Any) || advertised.Equals(IPAddress.IPv6Any))
        {
            yield return $"{SectionName}:AdvertisedAddress must be one address others can reach, not every interface (got '{AdvertisedAddress}').";
            yield break;
        }

        if (Exposed && !Tls.Enabled && !AllowInsecure)
        {
            yield return $"{SectionName}:ListenAddress {ListenAddress} reaches beyond this machine without TLS, so anyone who reaches the ports could join or call any grain: " +
                $"set {ClusterTlsOptions.SectionName}:CertificatePath and {ClusterTlsOptions.SectionName}:CaPath (README, Security), or {SectionName}:AllowInsecure=true to accept that.";
        }
    }
}
