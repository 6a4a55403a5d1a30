using System.Text.Json;
using Mesh.Ca.Config;
using Mesh.Config.Durations;

namespace Mesh.Ca.Tests;

public sealed class CaConfigParserTests
{
    [Fact]
    public void Parse_SnakeCaseAndMixedCaseKeys_AreRead()
    {
        var config = Parse("""{"leaf_cert_ttl":"24h","PRIVATEKEYTYPE":"rsa","private_key_bits":"2048","csr_max_per_second":25.5,"CSRMaxConcurrent":2,"RotationPeriod":"2160h"}""");
        Assert.Equal(TimeSpan.FromHours(24), config.LeafCertTtl);
        Assert.Equal("rsa", config.PrivateKeyType);
        Assert.Equal(2048, config.PrivateKeyBits);
        Assert.Equal(25.5, config.CsrMaxPerSecond);
        Assert.Equal(2, config.CsrMaxConcurrent);
    }

    [Fact]
    public void Parse_RsaWithoutBits_DefaultsTo4096()
        => Assert.Equal(4096, Parse("""{"PrivateKeyType":"rsa"}""").PrivateKeyBits);

    [Fact]
    public void Parse_DurationInNanoseconds_IsRead()
        => Assert.Equal(TimeSpan.FromHours(2), Parse("""{"LeafCertTTL":7200000000000}""").LeafCertTtl);

    [Fact]
    public void StoredJson_RoundTripsAndHoldsNoKeyMaterial()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var config = Parse($$"""{"PrivateKey":{{JsonSerializer.Serialize(key.ExportECPrivateKeyPem())}},"LeafCertTTL":"90m"}""");
        var stored = config.ToStoredJson();
        Assert.DoesNotContain("PRIVATE", stored.Json);
        Assert.Contains("\"LeafCertTTL\":\"1h30m0s\"", stored.Json);
        var again = CaConfigParser.ParseStored(new Mesh.Fsm.Model.CaConfiguration { Config = stored });
        Assert.Equal(config with { PrivateKeyPem = null }, again);
    }

    [Theory]
    [InlineData("72h", 72 * 60)]
    [InlineData("1h30m", 90)]
    [InlineData("90m", 90)]
    [InlineData("0.5h", 30)]
    [InlineData("3600s", 60)]
    public void Durations_GoSyntax_IsParsed(string text, int minutes)
    {
        Assert.True(GoDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMinutes(minutes), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("72")]
    [InlineData("h")]
    [InlineData("3 days")]
    public void Durations_NotGoSyntax_IsRefused(string text) => Assert.False(GoDuration.TryParse(text, out _));

    [Fact]
    public void ServiceSpiffeId_RoundTrips()
    {
        var id = SpiffeIds.Service("11111111-2222-3333-4444-555555555555.consul", "dc1", "web");
        Assert.Equal("spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web", id.Uri);
        Assert.True(SpiffeIds.TryParseService(id.Uri, out var parsed));
        Assert.Equal(id, parsed);
        Assert.False(SpiffeIds.TryParseService("spiffe://td.consul/agent/client/dc/dc1/id/n1", out _));
        Assert.False(SpiffeIds.TryParseService("https://td.consul/ns/default/dc/dc1/svc/web", out _));
    }

    private static CaProviderConfig Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return CaConfigParser.Parse("consul", document.RootElement);
    }
}
