using Grpc.Core;
using Mesh.XdsServer.ConsulApi.ServerDiscovery;
using DiscoveredServer = Mesh.XdsServer.ConsulApi.ServerDiscovery.Server;

namespace Mesh.XdsServer.ConsulApi;

/// <summary>
/// <c>hashicorp.consul.serverdiscovery.ServerDiscoveryService/WatchServers</c>: the ready servers at once, then the
/// full list again on every change (shuffled per message, as Consul does), with each server's WAN address
/// (<c>advertise_addr_wan</c>) when the request asks for <c>wan</c>. Any valid token; a token deleted while
/// the stream is open ends it with UNAUTHENTICATED at the next message.
/// </summary>
public sealed class ServerDiscoveryGrpcService(PublicServicesContext services) : ServerDiscoveryService.ServerDiscoveryServiceBase
{
    public override async Task WatchServers(WatchServersRequest request, IServerStreamWriter<WatchServersResponse> responseStream, ServerCallContext context)
    {
        var access = services.Runtime.Access;
        PublicCallAccess.Authenticate(access, context);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, services.Stopping);
        var cancellationToken = call.Token;
        var sets = services.Servers.Watch(cancellationToken);
        try
        {
            await foreach (var set in sets.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                PublicCallAccess.Authenticate(access, context);
                var response = new WatchServersResponse();
                foreach (var server in set.OrderBy(_ => Random.Shared.Next()))
                {
                    response.Servers.Add(new DiscoveredServer { Id = server.Id, Address = request.Wan ? server.WanAddress : server.Address, Version = server.Version });
                }

                await responseStream.WriteAsync(response, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        if (services.Stopping.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the server is shutting down"));
        }
    }
}
