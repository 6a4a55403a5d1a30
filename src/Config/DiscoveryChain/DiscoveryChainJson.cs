using System.Text.Json;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Durations;

namespace Mesh.Config.DiscoveryChain;

/// <summary>
/// A compiled chain in Consul's JSON (<c>structs.CompiledDiscoveryChain</c>): Go's <c>omitempty</c> rules, durations as Go
/// duration text where Consul's custom marshalers write them so (<c>ConnectTimeout</c>), nanoseconds elsewhere.
/// </summary>
public static class DiscoveryChainJson
{
    /// <summary>The body of <c>/v1/discovery-chain/:service</c>: <c>{"Chain": {...}}</c>.</summary>
    public static byte[] Response(CompiledDiscoveryChain chain) => JsonResponse.Build(writer =>
    {
        writer.WriteStartObject();
        writer.WritePropertyName("Chain");
        Write(writer, chain);
        writer.WriteEndObject();
    });

    public static void Write(Utf8JsonWriter writer, CompiledDiscoveryChain chain)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(chain);
        writer.WriteStartObject();
        writer.WriteString("ServiceName", chain.ServiceName);
        writer.WriteString("Namespace", chain.Namespace);
        writer.WriteString("Partition", chain.Partition);
        writer.WriteString("Datacenter", chain.Datacenter);
        WriteIfAny(writer, "CustomizationHash", chain.CustomizationHash);
        if (chain.Default)
        {
            writer.WriteBoolean("Default", true);
        }

        WriteIfAny(writer, "Protocol", chain.Protocol);
        if (!chain.ServiceMeta.IsEmpty)
        {
            writer.WriteStartObject("ServiceMeta");
            foreach (var (key, value) in chain.ServiceMeta)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        WriteIfAny(writer, "StartNode", chain.StartNode);
        writer.WriteStartObject("Nodes");
        foreach (var (key, node) in chain.Nodes)
        {
            writer.WritePropertyName(key);
            WriteNode(writer, node);
        }

        writer.WriteEndObject();
        writer.WriteStartObject("Targets");
        foreach (var (id, target) in chain.Targets)
        {
            writer.WritePropertyName(id);
            WriteTarget(writer, target);
        }

        writer.WriteEndObject();
        if (!chain.ManualVirtualIPs.IsEmpty)
        {
            writer.WriteStartArray("ManualVirtualIPs");
            foreach (var address in chain.ManualVirtualIPs)
            {
                writer.WriteStringValue(address);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteNode(Utf8JsonWriter writer, DiscoveryGraphNode node)
    {
        writer.WriteStartObject();
        writer.WriteString("Type", node.Type);
        writer.WriteString("Name", node.Name);
        if (!node.Routes.IsEmpty)
        {
            writer.WriteStartArray("Routes");
            foreach (var route in node.Routes)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("Definition");
                JsonSerializer.Serialize(writer, route.Definition, ConfigEntryJson.Info<ServiceRoute>(ConfigEntryJson.Stored));
                writer.WriteString("NextNode", route.NextNode);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (!node.Splits.IsEmpty)
        {
            writer.WriteStartArray("Splits");
            foreach (var split in node.Splits)
            {
                writer.WriteStartObject();
                writer.WritePropertyName("Definition");
                JsonSerializer.Serialize(writer, split.Definition, ConfigEntryJson.Info<ServiceSplit>(ConfigEntryJson.Stored));
                if (split.Weight != 0)
                {
                    writer.WriteNumber("Weight", split.Weight);
                }

                writer.WriteString("NextNode", split.NextNode);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        if (node.Resolver is { } resolver)
        {
            writer.WriteStartObject("Resolver");
            WriteDuration(writer, "ConnectTimeout", resolver.ConnectTimeout);
            if (resolver.Default)
            {
                writer.WriteBoolean("Default", true);
            }

            if (resolver.RequestTimeout != TimeSpan.Zero)
            {
                writer.WriteNumber("RequestTimeout", resolver.RequestTimeout.Ticks * 100);
            }

            writer.WriteString("Target", resolver.Target);
            if (resolver.Failover is { } failover)
            {
                writer.WriteStartObject("Failover");
                writer.WriteStartArray("Targets");
                foreach (var target in failover.Targets)
                {
                    writer.WriteStringValue(target);
                }

                writer.WriteEndArray();
                if (failover.Policy is { } policy)
                {
                    writer.WritePropertyName("Policy");
                    JsonSerializer.Serialize(writer, policy, ConfigEntryJson.Info<ServiceResolverFailoverPolicy>(ConfigEntryJson.Stored));
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        if (node.LoadBalancer is { } balancer)
        {
            writer.WritePropertyName("LoadBalancer");
            JsonSerializer.Serialize(writer, balancer, ConfigEntryJson.Info<LoadBalancer>(ConfigEntryJson.Stored));
        }

        writer.WriteEndObject();
    }

    private static void WriteTarget(Utf8JsonWriter writer, DiscoveryTarget target)
    {
        writer.WriteStartObject();
        WriteDuration(writer, "ConnectTimeout", target.ConnectTimeout);
        writer.WriteString("ID", target.Id);
        writer.WriteString("Service", target.Service);
        WriteIfAny(writer, "ServiceSubset", target.ServiceSubset);
        WriteIfAny(writer, "Namespace", target.Namespace);
        WriteIfAny(writer, "Partition", target.Partition);
        WriteIfAny(writer, "Datacenter", target.Datacenter);
        WriteIfAny(writer, "Peer", target.Peer);
        writer.WriteStartObject("MeshGateway");
        WriteIfAny(writer, "Mode", target.MeshGatewayMode);
        writer.WriteEndObject();
        writer.WritePropertyName("Subset");
        JsonSerializer.Serialize(writer, target.Subset, ConfigEntryJson.Info<ServiceResolverSubset>(ConfigEntryJson.Stored));
        writer.WritePropertyName("TransparentProxy");
        JsonSerializer.Serialize(writer, target.TransparentProxy, ConfigEntryJson.Info<TransparentProxyConfig>(ConfigEntryJson.Stored));
        if (target.External)
        {
            writer.WriteBoolean("External", true);
        }

        WriteIfAny(writer, "SNI", target.Sni);
        WriteIfAny(writer, "Name", target.Name);
        writer.WriteEndObject();
    }

    private static void WriteDuration(Utf8JsonWriter writer, string name, TimeSpan value)
    {
        if (value != TimeSpan.Zero)
        {
            writer.WriteString(name, GoDuration.Format(value));
        }
    }

    private static void WriteIfAny(Utf8JsonWriter writer, string name, string value)
    {
        if (value.Length > 0)
        {
            writer.WriteString(name, value);
        }
    }
}
