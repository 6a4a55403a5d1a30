using System.Collections.Concurrent;
using Mesh.Acl.Authorization;
using Mesh.Fsm.Model.Acl;
using Mesh.Fsm.State;

namespace Mesh.Acl.Resolution;

/// <summary>
/// Resolves request secrets to compiled authorizers, compiling each token once per ACL version of the store
/// (<see cref="StoreState.AclVersion"/>, the index of the last token/policy/role change). Any ACL change starts a new
/// generation, so a revoked token or an edited policy takes effect on the next request after the FSM applied it.
/// Feed it the change stream with <see cref="OnStoreChanged"/> (from a <c>StateMachine.Changes</c> subscription) or let
/// <see cref="Resolve"/> notice the version itself. Thread-safe; one instance per server, never static.
/// </summary>
public sealed class AuthorizerCache
{
    private readonly AclResolverOptions _options;
    private readonly TimeProvider _time;
    private readonly TokenCompiler _compiler;
    private Generation _generation = new(-1);

    public AuthorizerCache(AclResolverOptions options, TimeProvider? time = null)
    {
        _options = options;
        _time = time ?? TimeProvider.System;
        _compiler = new TokenCompiler(options);
    }

    /// <summary>The ACL version the cached authorizers were compiled for.</summary>
    public long Version => _generation.Version;

    /// <summary>How many tokens are compiled in the current generation.</summary>
    public int Count => _generation.Entries.Count;

    /// <summary>
    /// Resolves a request's secret. Null or empty means the anonymous token (callers substitute the agent's
    /// <c>acl.tokens.default</c> first when it is set). Unknown and expired secrets are not found.
    /// </summary>
    public TokenResolution Resolve(StoreState state, string? secretId)
    {
        var secret = string.IsNullOrEmpty(secretId) ? AclBuiltins.AnonymousTokenSecret : secretId;
        var generation = Current(state);
        if (generation is not null && generation.Entries.TryGetValue(secret, out var cached))
        {
            return Expired(cached.Token) ? TokenResolution.NotFound : cached;
        }

        var token = state.FindAclTokenBySecret(secret);
        if (token is null)
        {
            // Before the leader writes the anonymous token, anonymous requests still get the default policy.
            return secret == AclBuiltins.AnonymousTokenSecret
                ? new TokenResolution { Authorizer = Authorizer.WithoutRules(_options.DefaultPolicy, AclBuiltins.AnonymousTokenAccessorId) }
                : TokenResolution.NotFound;
        }

        if (Expired(token))
        {
            return TokenResolution.NotFound;
        }

        var resolution = _compiler.Compile(state, token);
        if (generation is not null)
        {
            if (generation.Entries.Count >= _options.MaxCachedTokens)
            {
                generation.Entries.Clear();
            }

            generation.Entries[secret] = resolution;
        }

        return resolution;
    }

    /// <summary>Starts a new generation when the store's ACL version moved; cheap when it did not.</summary>
    public void OnStoreChanged(StoreState state) => Current(state);

    /// <summary>The generation for this state's ACL version, or null when the caller holds a state older than the cache's.</summary>
    private Generation? Current(StoreState state)
    {
        var version = state.AclVersion;
        while (true)
        {
            var generation = Volatile.Read(ref _generation);
            if (generation.Version == version)
            {
                return generation;
            }

            if (generation.Version > version)
            {
                return null;
            }

            if (Interlocked.CompareExchange(ref _generation, new Generation(version), generation) == generation)
            {
                _compiler.Prune(state);
            }
        }
    }

    private bool Expired(AclToken? token) => token is not null && token.IsExpiredAt(_time.GetUtcNow().ToUnixTimeMilliseconds());

    private sealed class Generation(long version)
    {
        public long Version { get; } = version;

        public ConcurrentDictionary<string, TokenResolution> Entries { get; } = new(StringComparer.Ordinal);
    }
}
