using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Mesh.Api.Tests.Support;

/// <summary>A finished HTTP exchange: status, headers and the whole body, read before the response is disposed.</summary>
public sealed record ApiResult(HttpStatusCode Status, string Body, IReadOnlyDictionary<string, string> Headers, string ContentType)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>The X-Consul-Index header as a number.</summary>
    public long Index => long.Parse(Header("X-Consul-Index"), CultureInfo.InvariantCulture);

    public string Header(string name)
        => Headers.TryGetValue(name, out var value) ? value : throw new Xunit.Sdk.XunitException($"Response has no {name} header; status {(int)Status}, body: {Body}");

    /// <summary>Fails with the body in the message when the status is not the expected one.</summary>
    public ApiResult Expect(HttpStatusCode status)
    {
        Assert.True(Status == status, $"Expected {(int)status} {status}, got {(int)Status} {Status}: {Body}");
        return this;
    }

    public ApiResult ExpectOk() => Expect(HttpStatusCode.OK);

    public static async Task<ApiResult> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[name] = string.Join(", ", values);
        }

        return new ApiResult(response.StatusCode, body, headers, response.Content.Headers.ContentType?.MediaType ?? string.Empty);
    }
}
