using System.Text;
using Mesh.Api.Http;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Tests.Http;

public sealed class RequestBodyTests
{
    private static DefaultHttpContext ContextWith(byte[] body, long? contentLength)
    {
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        context.Request.ContentLength = contentLength;
        return context;
    }

    [Fact]
    public async Task ReadBytes_WithContentLength_ReturnsTheWholeBody()
    {
        var body = Encoding.UTF8.GetBytes("{\"Node\":\"n1\",\"Address\":\"127.0.0.1\"}");

        var read = await RequestBody.ReadBytesAsync(ContextWith(body, body.Length), RequestBody.DefaultLimit);

        Assert.Equal(body, read);
    }

    [Fact]
    public async Task ReadBytes_Chunked_ReturnsTheWholeBodyAcrossReads()
    {
        var body = Encoding.UTF8.GetBytes(new string('x', 40_000)); // more than one 16 KiB read

        var read = await RequestBody.ReadBytesAsync(ContextWith(body, contentLength: null), RequestBody.DefaultLimit);

        Assert.Equal(body, read);
    }

    [Fact]
    public async Task ReadBytes_BodyShorterThanContentLength_ReturnsWhatArrived()
    {
        var body = Encoding.UTF8.GetBytes("{}");

        var read = await RequestBody.ReadBytesAsync(ContextWith(body, contentLength: 10), RequestBody.DefaultLimit);

        Assert.Equal(body, read);
    }

    [Fact]
    public async Task ReadBytes_EmptyBody_ReturnsEmpty()
    {
        Assert.Empty(await RequestBody.ReadBytesAsync(ContextWith([], contentLength: 0), RequestBody.DefaultLimit));
    }

    [Fact]
    public async Task ReadBytes_ContentLengthOverLimit_Is413()
    {
        var error = await Assert.ThrowsAsync<ApiException>(() => RequestBody.ReadBytesAsync(ContextWith(new byte[20], contentLength: 20), limit: 10));

        Assert.Equal(413, error.StatusCode);
    }
}
