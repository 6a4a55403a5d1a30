using System.Globalization;
using System.Text.Json;
using Mesh.Acl;
using Mesh.Api.Http;
using Mesh.Config.Durations;
using Mesh.Fsm.Model.Acl;
using Mesh.Fsm.State;

namespace Mesh.Api.Acl;

/// <summary>
/// Turns token request bodies into the token the command carries, with Consul's checks (<c>TokenWriter</c>): IDs and
/// secrets are UUIDs (random when not given), names in links resolve to IDs, expiry is an <c>ExpirationTTL</c> within
/// the server's limits or an <c>ExpirationTime</c>, and the immutable fields of an update match. Create time and the
/// expiry computed from a TTL are stamped by the leader (<c>AclLeaderStamps</c>).
/// </summary>
public static class AclTokenRequests
{
    public static AclToken ForCreate(AclTokenBody body, StoreState state, AclConfig limits, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(limits);
        if (!string.IsNullOrEmpty(body.AuthMethod))
        {
            throw ApiException.BadRequest("AuthMethod field is disallowed outside of login");
        }

        var accessor = NewOrGiven(body.AccessorId, "AccessorID", id => state.FindAclToken(id) is not null);
        var secret = NewOrGiven(body.SecretId, "SecretID", id => state.FindAclTokenBySecret(id) is not null);
        var (expiration, ttl) = Expiry(body, limits, now);
        return Links(body, state) with
        {
            AccessorId = accessor,
            SecretId = secret,
            Local = body.Local,
            ExpirationTimeUnixMilliseconds = expiration,
            ExpirationTtlMilliseconds = ttl,
        };
    }

    public static AclToken ForUpdate(string accessorId, AclTokenBody body, StoreState state)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(state);
        if (!string.IsNullOrEmpty(body.AccessorId) && body.AccessorId != accessorId)
        {
            throw ApiException.BadRequest("Token Accessor ID in URL and payload do not match");
        }

        var existing = Existing(accessorId, state);
        if (!string.IsNullOrEmpty(body.SecretId) && body.SecretId != existing.SecretId)
        {
            throw ApiException.BadRequest("Changing a token's SecretID is not permitted");
        }

        if (body.Local != existing.Local)
        {
            throw ApiException.BadRequest($"Cannot toggle local mode of {accessorId}");
        }

        if (!string.IsNullOrEmpty(body.AuthMethod))
        {
            throw ApiException.BadRequest($"Cannot change AuthMethod of {accessorId}");
        }

        if (body.ExpirationTtl is { ValueKind: not JsonValueKind.Null }
            || (body.ExpirationTime is { Length: > 0 } time && AclTime.Parse(time)?.ToUnixTimeMilliseconds() != existing.ExpirationTimeUnixMilliseconds))
        {
            throw ApiException.BadRequest($"Cannot change expiration time of {accessorId}");
        }

        return Links(body, state) with
        {
            AccessorId = existing.AccessorId,
            SecretId = existing.SecretId,
            Local = existing.Local,
            CreateTimeUnixMilliseconds = existing.CreateTimeUnixMilliseconds,
            ExpirationTimeUnixMilliseconds = existing.ExpirationTimeUnixMilliseconds,
            ExpirationTtlMilliseconds = existing.ExpirationTtlMilliseconds,
        };
    }

    /// <summary>A new accessor and secret with the source's links, description (unless one is given) and expiry.</summary>
    public static AclToken ForClone(string accessorId, string? description, StoreState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        var source = Existing(accessorId, state);
        if (source.IsExpiredAt(now.ToUnixTimeMilliseconds()))
        {
            throw ApiException.BadRequest("Cannot clone an expired token");
        }

        if (description is { Length: > AclNames.MaxDescriptionLength })
        {
            throw ApiException.BadRequest($"Description is longer than {AclNames.MaxDescriptionLength} characters");
        }

        return source with
        {
            AccessorId = NewId(id => state.FindAclToken(id) is not null),
            SecretId = NewId(id => state.FindAclTokenBySecret(id) is not null),
            Description = string.IsNullOrEmpty(description) ? source.Description : description,
            CreateTimeUnixMilliseconds = 0,
            ExpirationTtlMilliseconds = 0,
            Hash = string.Empty,
            CreateIndex = 0,
            ModifyIndex = 0,
        };
    }

    /// <summary>A path's accessor ID: a UUID, else 400 as Consul answers.</summary>
    public static string CheckAccessor(string accessorId)
        => AclNames.IsUuid(accessorId) ? accessorId : throw ApiException.BadRequest("Accessor ID is missing or an invalid UUID");

    private static AclToken Existing(string accessorId, StoreState state)
        => state.FindAclToken(CheckAccessor(accessorId)) ?? throw ApiException.NotFound($"Cannot find token {accessorId}");

    private static AclToken Links(AclTokenBody body, StoreState state)
    {
        var description = body.Description ?? string.Empty;
        if (description.Length > AclNames.MaxDescriptionLength)
        {
            throw ApiException.BadRequest($"Description is longer than {AclNames.MaxDescriptionLength} characters");
        }

        return new AclToken
        {
            Description = description,
            Policies = AclLinks.Policies(state, body.Policies),
            Roles = AclLinks.Roles(state, body.Roles),
            ServiceIdentities = AclLinks.ServiceIdentities(body.ServiceIdentities, "token"),
            NodeIdentities = AclLinks.NodeIdentities(body.NodeIdentities, "token"),
            TemplatedPolicies = AclLinks.Templates(body.TemplatedPolicies),
        };
    }

    private static string NewOrGiven(string? given, string field, Func<string, bool> taken)
    {
        if (string.IsNullOrEmpty(given))
        {
            return NewId(taken);
        }

        if (!AclNames.IsUuid(given))
        {
            throw ApiException.BadRequest($"Invalid Token: {field} is not a valid UUID");
        }

        if (given.StartsWith(AclBuiltins.ReservedIdPrefix, StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.BadRequest($"Invalid Token: {field} is a reserved value");
        }

        return taken(given) ? throw ApiException.BadRequest($"Invalid Token: {field} is already in use") : given;
    }

    /// <summary>A random (v4, CSPRNG) UUID not in use and outside the reserved range.</summary>
    private static string NewId(Func<string, bool> taken)
    {
        while (true)
        {
            var id = Guid.NewGuid().ToString();
            if (!taken(id) && !id.StartsWith(AclBuiltins.ReservedIdPrefix, StringComparison.Ordinal))
            {
                return id;
            }
        }
    }

    /// <summary>(absolute expiry, TTL) in milliseconds: at most one is set; the leader turns the TTL into the expiry.</summary>
    private static (long Expiration, long Ttl) Expiry(AclTokenBody body, AclConfig limits, DateTimeOffset now)
    {
        var ttl = Ttl(body.ExpirationTtl);
        if (ttl < TimeSpan.Zero)
        {
            throw ApiException.BadRequest($"Token Expiration TTL '{GoDuration.Format(ttl)}' should be > 0");
        }

        DateTimeOffset? expiration = null;
        if (!string.IsNullOrEmpty(body.ExpirationTime))
        {
            expiration = AclTime.Parse(body.ExpirationTime)
                         ?? throw ApiException.BadRequest($"Request decode failed: ExpirationTime \"{body.ExpirationTime}\" is not an RFC 3339 time");
        }

        if (expiration is not null && ttl != TimeSpan.Zero)
        {
            throw ApiException.BadRequest("Token Expiration TTL and Expiration Time cannot both be set");
        }

        if (ttl != TimeSpan.Zero)
        {
            if (ttl < limits.TokenMinExpirationTtl || ttl > limits.TokenMaxExpirationTtl)
            {
                throw ApiException.BadRequest(
                    $"Token Expiration TTL '{GoDuration.Format(ttl)}' should be between {GoDuration.Format(limits.TokenMinExpirationTtl)} and {GoDuration.Format(limits.TokenMaxExpirationTtl)}");
            }

            return (0, (long)ttl.TotalMilliseconds);
        }

        if (expiration is { } at)
        {
            var expiresIn = at - now;
            if (expiresIn < TimeSpan.Zero)
            {
                throw ApiException.BadRequest("ExpirationTime cannot be before CreateTime");
            }

            if (expiresIn > limits.TokenMaxExpirationTtl)
            {
                throw ApiException.BadRequest($"ExpirationTime cannot be more than {GoDuration.Format(limits.TokenMaxExpirationTtl)} in the future (was {GoDuration.Format(expiresIn)})");
            }

            if (expiresIn < limits.TokenMinExpirationTtl)
            {
                throw ApiException.BadRequest($"ExpirationTime cannot be less than {GoDuration.Format(limits.TokenMinExpirationTtl)} in the future (was {GoDuration.Format(expiresIn)})");
            }

            return (at.ToUnixTimeMilliseconds(), 0);
        }

        return (0, 0);
    }

    private static TimeSpan Ttl(JsonElement? value)
    {
        switch (value)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return TimeSpan.Zero;
            case { ValueKind: JsonValueKind.String } text:
                var raw = text.GetString();
                if (string.IsNullOrEmpty(raw))
                {
                    return TimeSpan.Zero;
                }

                return GoDuration.TryParse(raw, out var parsed)
                    ? parsed
                    : throw ApiException.BadRequest($"Request decode failed: ExpirationTTL: time: invalid duration \"{raw}\"");
            case { ValueKind: JsonValueKind.Number } number when number.TryGetInt64(out var nanoseconds):
                return TimeSpan.FromTicks(nanoseconds / 100);
            default:
                throw ApiException.BadRequest(string.Create(CultureInfo.InvariantCulture, $"Request decode failed: ExpirationTTL must be a duration string or a number of nanoseconds"));
        }
    }
}
