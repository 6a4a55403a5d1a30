using Mesh.Testing;
using Mesh.Xds;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.Integration;

/// <summary>The TLS gRPC port (<c>ports.grpc_tls</c>) serves the same delta xDS as the plaintext port, without client certificates.</summary>
public sealed class DeltaAdsTlsTests : IDisposable
{
    private readonly TestCertificates _ca = new();

    [Fact]
    public async Task DeltaStream_OverTheTlsGrpcPort_WithoutAClientCertificate_GetsTheSameResourcesAsPlaintext()
    {
        // tls.defaults.verify_incoming is on (as for the HTTPS API and server port) and must not reach the gRPC port.
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync(c => TlsTestClients.WithTls(c, _ca.CaFile, _ca.Server()));
        var tlsPort = mesh.Server.Server.Config.GrpcTlsPort;

        await using var overTls = DeltaAdsClient.OpenTls(tlsPort, _ca.CaFile, XdsMesh.WebProxy, XdsMesh.WebNode);
        await overTls.SyncAsync();
        await using var plain = mesh.OpenWeb();
        await plain.SyncAsync();

        Assert.Contains("local_app", overTls.HeldOf(XdsTypeUrls.Cluster).Keys);
        Assert.Contains(overTls.HeldOf(XdsTypeUrls.Listener).Keys, name => name.StartsWith("public_listener:", StringComparison.Ordinal));
        foreach (var type in new[] { XdsTypeUrls.Cluster, XdsTypeUrls.Listener, XdsTypeUrls.ClusterLoadAssignment })
        {
            Assert.Equal(plain.HeldOf(type).Keys.Order(), overTls.HeldOf(type).Keys.Order());
        }

        // Changes reach the TLS stream as they reach the plaintext one.
        await mesh.RegisterDbAsync(2);
        var update = await overTls.ReceiveUntilAsync(XdsTypeUrls.ClusterLoadAssignment);
        Assert.NotEmpty(update);
    }

    public void Dispose() => _ca.Dispose();
}
