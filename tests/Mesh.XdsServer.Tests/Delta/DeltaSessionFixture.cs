using Envoy.Service.Discovery.V3;
using Mesh.XdsServer.Delta;
using Mesh.XdsServer.Resources;
using static Mesh.XdsServer.Tests.Support.DeltaResources;

namespace Mesh.XdsServer.Tests.Delta;

/// <summary>Drives a <see cref="DeltaSession"/> through the exchanges Envoy makes when it starts.</summary>
internal static class DeltaSessionFixture
{
    /// <summary>
    /// A session where Envoy has everything of <paramref name="resources"/> (default: <see cref="Sidecar"/>), all
    /// acknowledged: wildcard CDS and LDS, EDS and RDS subscribed to <c>db</c>.
    /// </summary>
    public static DeltaSession Established(VersionedResourceSet? resources = null)
    {
        var session = new DeltaSession();
        session.Receive(Request(Cds));
        session.Update(resources ?? Sidecar(), "connect-proxy");
        AckAll(session, session.TakeResponses());
        session.Receive(Request(Eds, ["db"]));
        AckAll(session, session.TakeResponses());
        session.Receive(Request(Lds));
        AckAll(session, session.TakeResponses());
        session.Receive(Request(Rds, ["db"]));
        AckAll(session, session.TakeResponses());
        Assert.Empty(session.TakeResponses());
        return session;
    }

    /// <summary>Acknowledges responses; the passes their ACKs unlock are acknowledged too, until nothing is left.</summary>
    public static List<DeltaDiscoveryResponse> AckAll(DeltaSession session, List<DeltaDiscoveryResponse> responses)
    {
        var all = new List<DeltaDiscoveryResponse>();
        while (responses.Count > 0)
        {
            all.AddRange(responses);
            var next = new List<DeltaDiscoveryResponse>();
            foreach (var response in responses)
            {
                Assert.Equal(NonceOutcome.Ack, session.Receive(Ack(response)).Nonce);
                next.AddRange(session.TakeResponses());
            }

            responses = next;
        }

        return all;
    }
}
