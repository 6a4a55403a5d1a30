using System.Text;
using Google.Protobuf;
using Grpc.Core;

namespace Mesh.XdsServer.Streams;

/// <summary>
/// The request side of an ADS stream. A request whose bytes do not decode (a string that is not UTF-8, such as a node ID
/// holding a lone surrogate, or a malformed message) is the client's fault: grpc-dotnet lets the decoder's exception
/// escape the handler, which ends the call with UNKNOWN, so it is turned into INVALID_ARGUMENT naming the problem here,
/// where every read of both ADS variants passes.
/// </summary>
internal sealed class DecodedRequestReader<T>(IAsyncStreamReader<T> inner) : IAsyncStreamReader<T>
{
    public T Current => inner.Current;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        try
        {
            return await inner.MoveNext(cancellationToken).ConfigureAwait(false);
        }
        catch (DecoderFallbackException error)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"a string field of the request is not valid UTF-8 ({error.Message})"));
        }
        catch (InvalidProtocolBufferException error)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"the request is not a valid protobuf message ({error.Message})"));
        }
    }
}
