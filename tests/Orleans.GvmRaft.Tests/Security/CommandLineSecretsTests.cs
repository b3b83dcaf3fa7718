using Orleans.GvmRaft.Silo;

namespace Orleans.GvmRaft.Tests.Security;

public sealed class CommandLineSecretsTests
{
    [Theory]
    [InlineData("--ConnectionStrings:PostgreSql", "Host=db;Username=gvm;Password=hunter2")]
    [InlineData("--ConnectionStrings:Redis=redis:6379,password=hunter2")]
    [InlineData("--Gvm:Checkpoints:Blob", "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc==")]
    [InlineData("--Anything", "BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=2024&sig=abc")]
    [InlineData("--Gvm:Checkpoints:Url", "https://a.blob.core.windows.net/c?sv=2024-01-01&sig=abc")]
    [InlineData("--Gvm:Silo:Tls:Password=hunter2")]
    [InlineData("--Gvm:Api:BearerToken", "abc")]
    [InlineData("--Gvm:Telemetry:ApiKey", "abc123")]
    [InlineData("/ConnectionStrings:PostgreSql", "Server=db;Pwd=x")]
    public void ASecretIsFoundWhateverItsSetting(params string[] args) =>
        Assert.Equal([args[0].Split('=')[0].TrimStart('-', '/')], CommandLineSecrets.Find(args));

    [Theory]
    [InlineData("--ConnectionStrings:Sqlite", "Data Source=state.db")]
    [InlineData("--ConnectionStrings:Sqlite=Data Source=/var/lib/gvm/state.db;Cache=Shared")]
    [InlineData("--Gvm:Silo:GatewayPort", "30001", "--Gvm:Silo:Tls:CertificatePath", "/etc/gvm/tls.pem")]
    [InlineData("--ConnectionStrings:Redis", "localhost:6379")]
    [InlineData("--Gvm:Worker:MaxTokens", "512")]
    [InlineData("--Gvm:Silo:Tls:KeyPath", "/etc/gvm/tls.key")]
    public void APathOrPlainSettingIsNot(params string[] args) => Assert.Empty(CommandLineSecrets.Find(args));
}
