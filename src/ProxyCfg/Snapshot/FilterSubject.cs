using System.Buffers;
using System.Text.Json;
using Mesh.Fsm.Model;

namespace Mesh.ProxyCfg;

/// <summary>
/// The JSON a subset filter is evaluated against, shaped as Consul's <c>CheckServiceNode</c>:
/// <c>{"Node": {...}, "Service": {...}, "Checks": [...]}</c>, so selectors such as <c>Service.Meta.version</c> work.
/// </summary>
internal static class FilterSubject
{
    public static JsonElement Of(Node node, NodeService service, IReadOnlyList<HealthCheck> checks)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("Node");
            WriteNode(writer, node);
            writer.WritePropertyName("Service");
            WriteService(writer, service);
            writer.WriteStartArray("Checks");
            foreach (var check in checks)
            {
                WriteCheck(writer, check);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void WriteNode(Utf8JsonWriter writer, Node node)
    {
        writer.WriteStartObject();
        writer.WriteString("ID", node.Id);
        writer.WriteString("Node", node.Name);
        writer.WriteString("Address", node.Address);
        writer.WriteString("Datacenter", node.Datacenter);
        WriteMap(writer, "TaggedAddresses", node.TaggedAddresses);
        WriteMap(writer, "Meta", node.Meta);
        writer.WriteEndObject();
    }

    private static void WriteService(Utf8JsonWriter writer, NodeService service)
    {
        writer.WriteStartObject();
        writer.WriteString("Kind", service.Kind);
        writer.WriteString("ID", service.Id);
        writer.WriteString("Service", service.Service);
        writer.WriteStartArray("Tags");
        foreach (var tag in service.Tags)
        {
            writer.WriteStringValue(tag);
        }

        writer.WriteEndArray();
        writer.WriteString("Address", service.Address);
        WriteMap(writer, "Meta", service.Meta);
        writer.WriteNumber("Port", service.Port);
        writer.WriteString("SocketPath", service.SocketPath);
        writer.WriteBoolean("EnableTagOverride", service.EnableTagOverride);
        writer.WriteStartObject("Connect");
        writer.WriteBoolean("Native", service.Connect.Native);
        writer.WriteEndObject();
        writer.WriteStartObject("Proxy");
        writer.WriteString("DestinationServiceName", service.Proxy.DestinationServiceName);
        writer.WriteString("DestinationServiceID", service.Proxy.DestinationServiceID);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteCheck(Utf8JsonWriter writer, HealthCheck check)
    {
        writer.WriteStartObject();
        writer.WriteString("Node", check.Node);
        writer.WriteString("CheckID", check.CheckId);
        writer.WriteString("Name", check.Name);
        writer.WriteString("Status", check.Status);
        writer.WriteString("Notes", check.Notes);
        writer.WriteString("Output", check.Output);
        writer.WriteString("ServiceID", check.ServiceId);
        writer.WriteString("ServiceName", check.ServiceName);
        writer.WriteString("Type", check.Type);
        writer.WriteEndObject();
    }

    private static void WriteMap(Utf8JsonWriter writer, string name, IReadOnlyDictionary<string, string> map)
    {
        writer.WriteStartObject(name);
        foreach (var (key, value) in map.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            writer.WriteString(key, value);
        }

        writer.WriteEndObject();
    }
}
