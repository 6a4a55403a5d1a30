using System.Text.Json;
using Mesh.Api.Contracts;
using Mesh.Api.Http;
using Mesh.Fsm.Model;

namespace Mesh.Api.Translation;

/// <summary>Turns service bodies into store rows, with Consul's validation and defaults; throws 400s.</summary>
public static class ServiceTranslation
{
    public static NodeService ToService(ServiceBody body)
    {
        var name = body.Service ?? string.Empty;
        if (name.Length == 0)
        {
            throw ApiException.BadRequest("Must provide service name (Service.Service)");
        }

        return Build(body.Kind, body.Id, name, body.Tags, body.Address, body.TaggedAddresses, body.Meta, body.Port,
            body.SocketPath, body.Weights, body.EnableTagOverride, body.Proxy, body.Connect);
    }

    public static NodeService Build(
        string? kind, string? id, string name, List<string>? tags, string? address,
        Dictionary<string, ServiceAddressBody>? taggedAddresses, Dictionary<string, string>? meta, int port,
        string? socketPath, WeightsBody? weights, bool enableTagOverride, ProxyBody? proxy, ConnectBody? connect)
    {
        kind ??= ServiceKind.Typical;
        if (!ServiceKind.IsValid(kind))
        {
            throw ApiException.BadRequest($"Invalid service kind \"{kind}\": must be one of \"\", connect-proxy, mesh-gateway, terminating-gateway, ingress-gateway, api-gateway");
        }

        CheckPort(port, "Port");
        var service = new NodeService
        {
            Kind = kind,
            Id = string.IsNullOrEmpty(id) ? name : id,
            Service = name,
            Tags = tags is null ? EmptyMap.List : [.. tags],
            Address = address ?? string.Empty,
            TaggedAddresses = EmptyMap.Sorted<ServiceAddress>((taggedAddresses ?? []).ToDictionary(
                pair => pair.Key,
                pair =>
                {
                    if (pair.Value is null)
                    {
                        throw ApiException.BadRequest($"TaggedAddresses[{pair.Key}] must be an object with Address and Port, not null");
                    }

                    CheckPort(pair.Value.Port, $"TaggedAddresses[{pair.Key}].Port");
                    return new ServiceAddress { Address = pair.Value.Address ?? string.Empty, Port = pair.Value.Port };
                })),
            Meta = ValidateMeta(meta),
            Port = port,
            SocketPath = socketPath ?? string.Empty,
            Weights = weights is null ? ServiceWeights.Default : ToWeights(weights),
            EnableTagOverride = enableTagOverride,
            Proxy = proxy is null ? ConnectProxyConfig.Empty : ToProxy(proxy),
            Connect = new ServiceConnect { Native = connect?.Native ?? false },
        };

        if (kind == ServiceKind.ConnectProxy)
        {
            if (service.Proxy.DestinationServiceName.Length == 0)
            {
                throw ApiException.BadRequest("Proxy.DestinationServiceName must be set for a connect-proxy service");
            }

            if (service.Port == 0 && service.SocketPath.Length == 0)
            {
                throw ApiException.BadRequest("Port or SocketPath must be set for a connect-proxy service");
            }

            if (service.Connect.Native)
            {
                throw ApiException.BadRequest("A connect-proxy service cannot also be Connect.Native");
            }
        }
        else if (proxy is not null && !string.IsNullOrEmpty(proxy.DestinationServiceName) && kind == ServiceKind.Typical)
        {
            throw ApiException.BadRequest("Proxy.DestinationServiceName is only valid for a connect-proxy service (Kind \"connect-proxy\")");
        }

        return service;
    }

    public static IReadOnlyDictionary<string, string> ValidateMeta(Dictionary<string, string>? meta)
    {
        if (meta is null)
        {
            return EmptyMap.Strings;
        }

        if (meta.Count > 64)
        {
            throw ApiException.BadRequest($"Meta has {meta.Count} pairs; the limit is 64");
        }

        foreach (var (key, value) in meta)
        {
            if (key.Length == 0 || key.Length > 128 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                throw ApiException.BadRequest($"Meta key \"{key}\" is invalid: use 1 to 128 ASCII letters, digits, '_' or '-'");
            }

            if (key.StartsWith("consul-", StringComparison.Ordinal))
            {
                throw ApiException.BadRequest($"Meta key \"{key}\" uses the reserved prefix \"consul-\"");
            }

            if (value is null || value.Length > 512)
            {
                throw ApiException.BadRequest($"Meta value for \"{key}\" must be a string of at most 512 characters");
            }
        }

        return EmptyMap.Sorted<string>(meta);
    }

    public static void CheckPort(int port, string field)
    {
        if (port is < 0 or > 65535)
        {
            throw ApiException.BadRequest($"{field} {port} is out of range: ports are 0 to 65535");
        }
    }

    private static ServiceWeights ToWeights(WeightsBody weights)
    {
        if (weights.Passing < 1 && weights.Warning == 0)
        {
            return ServiceWeights.Default;
        }

        if (weights.Passing < 1 || weights.Warning < 0)
        {
            throw ApiException.BadRequest("Weights.Passing must be at least 1 and Weights.Warning at least 0");
        }

        return new ServiceWeights { Passing = weights.Passing, Warning = weights.Warning };
    }

    public static ConnectProxyConfig ToProxy(ProxyBody proxy)
    {
        var mode = proxy.Mode ?? string.Empty;
        if (mode is not ("" or "direct" or "transparent"))
        {
            throw ApiException.BadRequest($"Invalid Proxy.Mode \"{mode}\": must be \"\", \"direct\" or \"transparent\"");
        }

        CheckPort(proxy.LocalServicePort, "Proxy.LocalServicePort");
        var upstreams = new List<Upstream>();
        foreach (var upstream in proxy.Upstreams ?? [])
        {
            if (string.IsNullOrEmpty(upstream?.DestinationName))
            {
                throw ApiException.BadRequest("Every Proxy.Upstreams entry needs a DestinationName");
            }

            var type = string.IsNullOrEmpty(upstream.DestinationType) ? "service" : upstream.DestinationType;
            if (type is not ("service" or "prepared_query"))
            {
                throw ApiException.BadRequest($"Invalid upstream DestinationType \"{type}\": must be \"service\" or \"prepared_query\"");
            }

            CheckPort(upstream.LocalBindPort, $"Upstream {upstream.DestinationName} LocalBindPort");
            upstreams.Add(new Upstream
            {
                DestinationType = type,
                DestinationNamespace = upstream.DestinationNamespace ?? string.Empty,
                DestinationName = upstream.DestinationName,
                DestinationPeer = upstream.DestinationPeer ?? string.Empty,
                Datacenter = upstream.Datacenter ?? string.Empty,
                LocalBindAddress = upstream.LocalBindAddress ?? string.Empty,
                LocalBindPort = upstream.LocalBindPort,
                LocalBindSocketPath = upstream.LocalBindSocketPath ?? string.Empty,
                Config = ToBlob(upstream.Config, $"Upstream {upstream.DestinationName} Config"),
                MeshGateway = ToMeshGateway(upstream.MeshGateway),
            });
        }

        return new ConnectProxyConfig
        {
            DestinationServiceName = proxy.DestinationServiceName ?? string.Empty,
            DestinationServiceID = proxy.DestinationServiceId ?? string.Empty,
            LocalServiceAddress = proxy.LocalServiceAddress ?? string.Empty,
            LocalServicePort = proxy.LocalServicePort,
            LocalServiceSocketPath = proxy.LocalServiceSocketPath ?? string.Empty,
            Mode = mode,
            Config = ToBlob(proxy.Config, "Proxy.Config"),
            Upstreams = upstreams,
            MeshGateway = ToMeshGateway(proxy.MeshGateway),
            TransparentProxy = proxy.TransparentProxy is null
                ? TransparentProxyConfig.Empty
                : new TransparentProxyConfig { OutboundListenerPort = proxy.TransparentProxy.OutboundListenerPort, DialedDirectly = proxy.TransparentProxy.DialedDirectly },
            Expose = proxy.Expose is null
                ? ExposeConfig.Empty
                : new ExposeConfig
                {
                    Checks = proxy.Expose.Checks,
                    Paths = [.. (proxy.Expose.Paths ?? []).Select(p => p ?? throw ApiException.BadRequest("Every Proxy.Expose.Paths entry must be an object, not null")).Select(p => new ExposePath
                    {
                        ListenerPort = p.ListenerPort,
                        Path = p.Path ?? string.Empty,
                        LocalPathPort = p.LocalPathPort,
                        Protocol = p.Protocol ?? string.Empty,
                    })],
                },
        };
    }

    private static MeshGatewayConfig ToMeshGateway(MeshGatewayBody? body)
    {
        var mode = body?.Mode ?? string.Empty;
        return mode switch
        {
            "" => MeshGatewayConfig.Empty,
            "none" or "local" or "remote" => new MeshGatewayConfig { Mode = mode },
            _ => throw ApiException.BadRequest($"Invalid MeshGateway.Mode \"{mode}\": must be \"\", \"none\", \"local\" or \"remote\""),
        };
    }

    private static JsonBlob ToBlob(JsonElement? element, string field)
    {
        if (element is not { } value || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return JsonBlob.EmptyObject;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest($"{field} must be a JSON object");
        }

        return JsonBlob.From(value);
    }
}
