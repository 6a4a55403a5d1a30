using Envoy.Config.Core.V3;
using Envoy.Service.Discovery.V3;
using Google.Protobuf;
using Grpc.Core;
using Mesh.Xds;
using Mesh.XdsServer.Sotw;

namespace Mesh.XdsServer.Tests.Sotw;

public class SotwSessionTests
{
    private static readonly Node Client = new() { Id = "client-1" };

    [Fact]
    public void Accept_FirstRequestWithoutNode_InvalidArgument()
    {
        var session = new SotwSession();

        var error = Assert.Throws<RpcException>(() => session.Accept(new DiscoveryRequest { TypeUrl = XdsTypeUrls.Listener }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("node.id", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Accept_NodeWithEmptyId_InvalidArgument()
    {
        var session = new SotwSession();

        var error = Assert.Throws<RpcException>(() => session.Accept(new DiscoveryRequest { TypeUrl = XdsTypeUrls.Listener, Node = new Node() }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Theory]
    [InlineData("", "type_url is required")]
    [InlineData("garbage", "\"garbage\" is not served")]
    [InlineData("type.googleapis.com/envoy.api.v2.Listener", "xDS v2 is not supported")]
    [InlineData(XdsTypeUrls.Secret, "is not served")]
    public void Accept_UnservedTypeUrl_InvalidArgumentNamingIt(string typeUrl, string expected)
    {
        var session = new SotwSession();

        var error = Assert.Throws<RpcException>(() => session.Accept(new DiscoveryRequest { TypeUrl = typeUrl, Node = Client }));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(expected, error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Accept_HugeNameList_InvalidArgument()
    {
        var session = new SotwSession(maxResourceNames: 100);
        var request = Request(XdsTypeUrls.ClusterLoadAssignment, Enumerable.Range(0, 101).Select(i => "s" + i).ToArray());

        var error = Assert.Throws<RpcException>(() => session.Accept(request));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("at most 100", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Accept_InitialRequest_MustRespondAndRecordsClient()
    {
        var session = new SotwSession();

        var outcome = session.Accept(Request(XdsTypeUrls.Listener, "greeter"));

        Assert.Equal(SotwRequestKind.Initial, outcome.Kind);
        Assert.True(outcome.MustRespond);
        Assert.Equal("client-1", session.Client!.NodeId);
        Assert.Equal(["greeter"], session.StateOf(XdsTypeUrls.Listener)!.Subscription.Names);
    }

    [Fact]
    public void Accept_LaterRequestWithoutNode_IsAccepted()
    {
        var session = new SotwSession();
        session.Accept(Request(XdsTypeUrls.Listener, "greeter"));

        var outcome = session.Accept(new DiscoveryRequest { TypeUrl = XdsTypeUrls.Cluster, ResourceNames = { "greeter" } });

        Assert.Equal(SotwRequestKind.Initial, outcome.Kind);
    }

    [Fact]
    public void Accept_AckOfLatestNonce_RecordsVersionWithoutResponse()
    {
        var session = new SotwSession();
        session.Accept(Request(XdsTypeUrls.Listener, "greeter"));
        var sent = session.Respond(XdsTypeUrls.Listener, Resources("greeter"), force: true)!;

        var outcome = session.Accept(Ack(sent, "greeter"));

        Assert.Equal(SotwRequestKind.Ack, outcome.Kind);
        Assert.False(outcome.MustRespond);
        Assert.Equal(1, session.StateOf(XdsTypeUrls.Listener)!.AckedVersion);
    }

    [Fact]
    public void Accept_NackOfLatestNonce_RecordsRejectionAndSameContentIsNotResent()
    {
        var session = new SotwSession();
        session.Accept(Request(XdsTypeUrls.Listener, "greeter"));
        var sent = session.Respond(XdsTypeUrls.Listener, Resources("greeter"), force: true)!;
        var nack = Ack(sent, "greeter");
        nack.VersionInfo = string.Empty;
        nack.ErrorDetail = new Google.Rpc.Status { Code = 3, Message = "bad listener" };

        var outcome = session.Accept(nack);

        Assert.Equal(SotwRequestKind.Nack, outcome.Kind);
        Assert.False(outcome.MustRespond);
        var state = session.StateOf(XdsTypeUrls.Listener)!;
        Assert.Equal(1, state.NackedVersion);
        Assert.Equal(0, state.AckedVersion);
        Assert.Equal("bad listener", state.NackMessage);
        Assert.Null(session.Respond(XdsTypeUrls.Listener, Resources("greeter"), force: false));
        var next = session.Respond(XdsTypeUrls.Listener, Resources("greeter", "other"), force: false);
        Assert.Equal("2", next!.VersionInfo);
    }

    [Fact]
    public void Accept_StaleNonce_IgnoredEvenWithNewNames()
    {
        var session = new SotwSession();
        session.Accept(Request(XdsTypeUrls.ClusterLoadAssignment, "a"));
        var first = session.Respond(XdsTypeUrls.ClusterLoadAssignment, Resources("a"), force: true)!;
        session.Respond(XdsTypeUrls.ClusterLoadAssignment, Resources("a", "b"), force: false);

        var outcome = session.Accept(Ack(first, "a", "c"));

        Assert.Equal(SotwRequestKind.Stale, outcome.Kind);
        Assert.False(outcome.MustRespond);
        var state = session.StateOf(XdsTypeUrls.ClusterLoadAssignment)!;
        Assert.Equal(["a"], state.Subscription.Names);
        Assert.Equal(0, state.AckedVersion);
    }

    [Fact]
    public void Accept_AckWithChangedNames_MustRespond()
    {
        var session = new SotwSession();
        session.Accept(Request(XdsTypeUrls.Cluster, "a"));
        var sent = session.Respond(XdsTypeUrls.Cluster, Resources("a"), force: true)!;

        var outcome = session.Accept(Ack(sent, "a", "b"));

        Assert.Equal(SotwRequestKind.Ack, outcome.Kind);
        Assert.True(outcome.MustRespond);
        Assert.True(outcome.SubscriptionChanged);
        Assert.Equal(["a", "b"], session.StateOf(XdsTypeUrls.Cluster)!.Subscription.Names.Order());
    }

    [Fact]
    public void Respond_UnchangedContent_NotSentAgainUnlessForced()
    {
        var session = new SotwSession();
        session.Accept(Request(XdsTypeUrls.Cluster, "a"));
        var first = session.Respond(XdsTypeUrls.Cluster, Resources("a"), force: true)!;

        Assert.Null(session.Respond(XdsTypeUrls.Cluster, Resources("a"), force: false));
        var forced = session.Respond(XdsTypeUrls.Cluster, Resources("a"), force: true)!;

        Assert.Equal("1", first.VersionInfo);
        Assert.Equal("2", forced.VersionInfo);
        Assert.NotEqual(first.Nonce, forced.Nonce);
        Assert.Equal(XdsTypeUrls.Cluster, forced.TypeUrl);
        Assert.Single(forced.Resources);
    }

    [Fact]
    public void Respond_VersionsArePerTypeAndNoncesPerStream()
    {
        var session = new SotwSession();
        session.Accept(Request(XdsTypeUrls.Cluster, "a"));
        session.Accept(Request(XdsTypeUrls.Listener, "a"));

        var cluster = session.Respond(XdsTypeUrls.Cluster, Resources("a"), force: true)!;
        var listener = session.Respond(XdsTypeUrls.Listener, Resources("a"), force: true)!;

        Assert.Equal("1", cluster.VersionInfo);
        Assert.Equal("1", listener.VersionInfo);
        Assert.NotEqual(cluster.Nonce, listener.Nonce);
    }

    [Theory]
    [InlineData(XdsTypeUrls.Listener, true)]
    [InlineData(XdsTypeUrls.Cluster, true)]
    [InlineData(XdsTypeUrls.RouteConfiguration, false)]
    [InlineData(XdsTypeUrls.ClusterLoadAssignment, false)]
    public void Accept_EmptyFirstRequest_IsWildcardOnlyForListenersAndClusters(string typeUrl, bool wildcard)
    {
        var session = new SotwSession();

        session.Accept(Request(typeUrl));

        Assert.Equal(wildcard, session.StateOf(typeUrl)!.Subscription.Wildcard);
    }

    [Fact]
    public void Accept_EmptyAfterNaming_IsNoWildcardButStarIs()
    {
        var session = new SotwSession();
        session.Accept(Request(XdsTypeUrls.Listener, "a"));
        var sent = session.Respond(XdsTypeUrls.Listener, Resources("a"), force: true)!;

        session.Accept(Ack(sent));
        var state = session.StateOf(XdsTypeUrls.Listener)!;
        Assert.False(state.Subscription.Wildcard);
        Assert.Empty(state.Subscription.Names);

        var again = session.Respond(XdsTypeUrls.Listener, [], force: true)!;
        session.Accept(Ack(again, "*"));
        Assert.True(state.Subscription.Wildcard);
        Assert.Empty(state.Subscription.Names);
    }

    private static DiscoveryRequest Request(string typeUrl, params string[] names)
        => new() { TypeUrl = typeUrl, Node = Client, ResourceNames = { names } };

    private static DiscoveryRequest Ack(DiscoveryResponse response, params string[] names)
        => new() { TypeUrl = response.TypeUrl, VersionInfo = response.VersionInfo, ResponseNonce = response.Nonce, ResourceNames = { names } };

    private static List<KeyValuePair<string, IMessage>> Resources(params string[] names)
        => [.. names.Select(name => new KeyValuePair<string, IMessage>(name, new Envoy.Config.Cluster.V3.Cluster { Name = name }))];
}
