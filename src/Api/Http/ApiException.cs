namespace Mesh.Api.Http;

/// <summary>An error with the HTTP status and plain-text message the client gets, as Consul's <c>HTTPError</c>.</summary>
public sealed class ApiException : Exception
{
    public ApiException()
        : this(500, "internal error")
    {
    }

    public ApiException(string message)
        : this(400, message)
    {
    }

    public ApiException(string message, Exception inner)
        : base(message, inner)
    {
        StatusCode = 400;
    }

    public ApiException(int statusCode, string message)
        : base(message)
    {
        StatusCode = statusCode;
    }

    public int StatusCode { get; }

    public static ApiException BadRequest(string message) => new(400, message);

    public static ApiException NotFound(string message) => new(404, message);

    public static ApiException Forbidden(string message) => new(403, message);
}
