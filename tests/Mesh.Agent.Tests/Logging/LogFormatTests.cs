using System.Text.Json;
using Mesh.Agent.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Agent.Tests.Logging;

/// <summary>The JSON and text line formats of the agent's log.</summary>
public sealed class LogFormatTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 15, 0, 0, 123, TimeSpan.Zero);

    private static LogEntry<IReadOnlyList<KeyValuePair<string, object?>>> Entry(LogLevel level, Exception? error = null)
    {
        IReadOnlyList<KeyValuePair<string, object?>> state =
        [
            new("Node", "node-1"),
            new("Port", 8500),
            new("{OriginalFormat}", "Server {Node} listening on {Port}"),
        ];
        return new LogEntry<IReadOnlyList<KeyValuePair<string, object?>>>(level, "Mesh.Agent.Hosting.MeshServer", new EventId(4001), state, error, (_, _) => "Server node-1 listening on 8500");
    }

    [Fact]
    public void Json_HasConsulKeysAndNamedValues()
    {
        using var line = JsonDocument.Parse(ConsulJsonFormatter.Format(Entry(LogLevel.Warning), At));
        var root = line.RootElement;
        Assert.Equal("warn", root.GetProperty("@level").GetString());
        Assert.Equal("Server node-1 listening on 8500", root.GetProperty("@message").GetString());
        Assert.Equal("Mesh.Agent.Hosting.MeshServer", root.GetProperty("@module").GetString());
        Assert.Equal("2026-12-07T15:00:00.123000Z", root.GetProperty("@timestamp").GetString());
        Assert.Equal("node-1", root.GetProperty("Node").GetString());
        Assert.Equal(8500, root.GetProperty("Port").GetInt32());
        Assert.False(root.TryGetProperty("{OriginalFormat}", out _));
    }

    [Fact]
    public void Json_ExceptionStaysOnOneLine()
    {
        var text = ConsulJsonFormatter.Format(Entry(LogLevel.Error, Thrown()), At);
        Assert.DoesNotContain('\n', text);
        using var line = JsonDocument.Parse(text);
        Assert.Contains("InvalidOperationException: disk on fire", line.RootElement.GetProperty("exception").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Text_ExceptionOnIndentedLinesBelowTheMessage()
    {
        var lines = ReadableTextFormatter.Format(Entry(LogLevel.Error, Thrown()), At).TrimEnd('\n').Split('\n');
        Assert.Equal("2026-12-07T15:00:00.123Z fail: Mesh.Agent.Hosting.MeshServer[4001] Server node-1 listening on 8500", lines[0]);
        Assert.Equal("    System.InvalidOperationException: disk on fire", lines[1]);
        Assert.True(lines.Length > 2, "the stack trace follows on its own lines");
        Assert.All(lines.Skip(1), l => Assert.StartsWith("    ", l, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    private static InvalidOperationException Thrown()
    {
        try
        {
            throw new InvalidOperationException("disk on fire");
        }
        catch (InvalidOperationException error)
        {
            return error;
        }
    }
}
