using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Mesh.Api.Http;
using Mesh.Config.Access;
using Mesh.Server;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Endpoints;

/// <summary><c>GET /v1/agent/version</c> and <c>GET /v1/agent/host</c> (gopsutil's field names, as Consul's debug bundle reads them).</summary>
internal static class AgentInfoEndpoints
{
    public static Task VersionAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("SHA", string.Empty);
            json.WriteString("BuildDate", string.Empty);
            json.WriteString("HumanVersion", MeshVersion.ConsulCompatible);
            json.WriteString("FIPS", string.Empty);
            json.WriteEndObject();
        }

        return ApiResponse.WriteRawJsonAsync(context, buffer.ToArray());
    }

    public static Task HostAsync(HttpContext context, ServerRuntime server)
    {
        Writes.Authorize(context, server, AclResource.Operator, string.Empty, AclAccess.Read);
        var errors = new List<string>();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteMemory(json, errors);
            WriteCpu(json);
            WriteHost(json);
            WriteDisk(json, errors);
            json.WriteNumber("CollectionTime", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000);
            if (errors.Count == 0)
            {
                json.WriteNull("Errors");
            }
            else
            {
                json.WriteStartArray("Errors");
                errors.ForEach(json.WriteStringValue);
                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return ApiResponse.WriteRawJsonAsync(context, buffer.ToArray());
    }

    private static void WriteMemory(Utf8JsonWriter json, List<string> errors)
    {
        long total = 0, available = 0, free = 0;
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 2 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
                {
                    continue;
                }

                switch (parts[0])
                {
                    case "MemTotal:": total = kib * 1024; break;
                    case "MemAvailable:": available = kib * 1024; break;
                    case "MemFree:": free = kib * 1024; break;
                    default: break;
                }
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            errors.Add("memory: " + error.Message);
        }

        json.WriteStartObject("Memory");
        json.WriteNumber("total", total);
        json.WriteNumber("available", available);
        json.WriteNumber("used", Math.Max(0, total - available));
        json.WriteNumber("usedPercent", total == 0 ? 0 : 100.0 * (total - available) / total);
        json.WriteNumber("free", free);
        json.WriteEndObject();
    }

    private static void WriteCpu(Utf8JsonWriter json)
    {
        json.WriteStartArray("CPU");
        for (var cpu = 0; cpu < Environment.ProcessorCount; cpu++)
        {
            json.WriteStartObject();
            json.WriteNumber("cpu", cpu);
            json.WriteNumber("cores", 1);
            json.WriteString("modelName", RuntimeInformation.ProcessArchitecture.ToString());
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteHost(Utf8JsonWriter json)
    {
        var uptime = TimeSpan.FromMilliseconds(Environment.TickCount64);
        json.WriteStartObject("Host");
        json.WriteString("hostname", Environment.MachineName);
        json.WriteNumber("uptime", (long)uptime.TotalSeconds);
        json.WriteNumber("bootTime", (DateTimeOffset.UtcNow - uptime).ToUnixTimeSeconds());
        json.WriteNumber("procs", Environment.ProcessorCount);
        json.WriteString("os", OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : OperatingSystem.IsWindows() ? "windows" : "unknown");
        json.WriteString("platform", RuntimeInformation.OSDescription);
        json.WriteString("kernelVersion", Environment.OSVersion.Version.ToString());
        json.WriteString("kernelArch", RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant());
        json.WriteEndObject();
    }

    private static void WriteDisk(Utf8JsonWriter json, List<string> errors)
    {
        json.WriteStartObject("Disk");
        var path = Path.GetPathRoot(AppContext.BaseDirectory) ?? "/";
        json.WriteString("path", path);
        try
        {
            var drive = new DriveInfo(path);
            var used = drive.TotalSize - drive.TotalFreeSpace;
            json.WriteString("fstype", drive.DriveFormat);
            json.WriteNumber("total", drive.TotalSize);
            json.WriteNumber("free", drive.AvailableFreeSpace);
            json.WriteNumber("used", used);
            json.WriteNumber("usedPercent", drive.TotalSize == 0 ? 0 : 100.0 * used / drive.TotalSize);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException)
        {
            errors.Add("disk: " + error.Message);
        }

        json.WriteEndObject();
    }
}
