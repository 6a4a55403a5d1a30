using System.Security.Cryptography;
using MessagePack;
using Mesh.Fsm.Commands;

namespace Mesh.Fsm.Model.Acl;

/// <summary>
/// The <c>Hash</c> field of tokens, policies and roles: base64 of a SHA-256 over the canonical encoding of the
/// mutable content (indexes and the hash itself left out). Consul uses BLAKE2b; clients only compare it for change.
/// </summary>
public static class AclHash
{
    public static string Of(AclToken token) => Digest(token with { Hash = string.Empty, CreateIndex = 0, ModifyIndex = 0 });

    public static string Of(AclPolicy policy) => Digest(policy with { Hash = string.Empty, CreateIndex = 0, ModifyIndex = 0 });

    public static string Of(AclRole role) => Digest(role with { Hash = string.Empty, CreateIndex = 0, ModifyIndex = 0 });

    private static string Digest<T>(T content)
        => Convert.ToBase64String(SHA256.HashData(MessagePackSerializer.Serialize(content, LogCodec.Options)));
}
