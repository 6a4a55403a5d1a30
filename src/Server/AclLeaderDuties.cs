using Mesh.Acl;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model.Acl;
using Mesh.Raft;
using Mesh.Server.Access;
using Microsoft.Extensions.Logging;

namespace Mesh.Server;

/// <summary>
/// What Consul's leader does for ACLs (<c>initializeACLs</c>, the token reaper), acting only while this server leads:
/// creates the built-in policies and the anonymous token when missing, creates the <c>acl.tokens.initial_management</c>
/// token when configured and absent (by bootstrap while that is still allowed, else as a plain token), and deletes
/// expired tokens with the leader's clock. Every write is the server's own (<see cref="RequestToken.Server"/>).
/// The secret of the initial management token is never logged.
/// </summary>
public sealed partial class AclLeaderDuties
{
    /// <summary>How often leadership and missing objects are checked (the reap interval, when shorter).</summary>
    private static readonly TimeSpan SetupTick = TimeSpan.FromSeconds(1);

    private readonly RaftServer _raft;
    private readonly StateMachine _fsm;
    private readonly CommandPipeline _commands;
    private readonly AclConfig _config;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private DateTimeOffset _lastReap = DateTimeOffset.MinValue;
    private bool _warnedInitialManagement;

    public AclLeaderDuties(RaftServer raft, StateMachine fsm, CommandPipeline commands, AclConfig config, TimeProvider clock, ILogger<AclLeaderDuties> logger)
    {
        _raft = raft;
        _fsm = fsm;
        _commands = commands;
        _config = config;
        _clock = clock;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var tick = _config.TokenReapInterval < SetupTick && _config.TokenReapInterval > TimeSpan.Zero ? _config.TokenReapInterval : SetupTick;
        using var timer = new PeriodicTimer(tick, _clock);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!_raft.IsLeader)
            {
                continue;
            }

            try
            {
                await RunOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is NoLeaderException or NotLeaderException or TimeoutException)
            {
                // Leadership moved: the next leader does the same checks.
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // one failed pass (a Raft hiccup during a leadership change) must not stop the reaper for good
            catch (Exception error)
#pragma warning restore CA1031
            {
                Log.DutyFailed(_logger, error);
            }
        }
    }

    /// <summary>One pass on the leader: catch up with everything committed, then create what is missing and reap.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        // A new leader may not have applied its predecessor's last entries yet: read what is committed first.
        await _raft.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
        await EnsurePolicyAsync(AclBuiltins.ManagementPolicy, cancellationToken).ConfigureAwait(false);
        await EnsurePolicyAsync(AclBuiltins.ReadOnlyPolicy, cancellationToken).ConfigureAwait(false);
        await EnsureAnonymousTokenAsync(cancellationToken).ConfigureAwait(false);
        await EnsureInitialManagementAsync(cancellationToken).ConfigureAwait(false);
        var now = _clock.GetUtcNow();
        if (now - _lastReap >= _config.TokenReapInterval)
        {
            _lastReap = now;
            await ReapAsync(now.ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task EnsurePolicyAsync(AclPolicy builtin, CancellationToken cancellationToken)
    {
        if (_fsm.Current.FindAclPolicy(builtin.Id) is not null)
        {
            return;
        }

        var result = await ProposeAsync(new AclPolicySetCommand { Policy = builtin }, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            Log.CreatedPolicy(_logger, builtin.Name);
        }
        else
        {
            Log.Refused(_logger, builtin.Name, result.Error!);
        }
    }

    private async Task EnsureAnonymousTokenAsync(CancellationToken cancellationToken)
    {
        if (_fsm.Current.FindAclToken(AclBuiltins.AnonymousTokenAccessorId) is not null)
        {
            return;
        }

        var result = await ProposeAsync(
            new AclTokenSetCommand
            {
                Token = new AclToken
                {
                    AccessorId = AclBuiltins.AnonymousTokenAccessorId,
                    SecretId = AclBuiltins.AnonymousTokenSecret,
                    Description = AclBuiltins.AnonymousTokenDescription,
                },
            },
            cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            Log.CreatedAnonymousToken(_logger);
        }
        else
        {
            Log.Refused(_logger, "anonymous token", result.Error!);
        }
    }

    private async Task EnsureInitialManagementAsync(CancellationToken cancellationToken)
    {
        var secret = _config.Tokens.InitialManagement;
        if (string.IsNullOrEmpty(secret) || _fsm.Current.FindAclTokenBySecret(secret) is not null)
        {
            return;
        }

        if (!AclNames.IsUuid(secret))
        {
            // Consul accepts any string here; Mesh's secrets are UUIDs (the FSM refuses others), so say so once.
            if (!_warnedInitialManagement)
            {
                _warnedInitialManagement = true;
                Log.InitialManagementNotUuid(_logger);
            }

            return;
        }

        var token = new AclToken
        {
            AccessorId = Guid.NewGuid().ToString(),
            SecretId = secret,
            Description = AclBuiltins.InitialManagementTokenDescription,
            Policies = [new AclLink { Id = AclBuiltins.ManagementPolicyId, Name = AclBuiltins.ManagementPolicyName }],
        };

        // As Consul: bootstrap with it while bootstrapping is still allowed (so a later PUT /v1/acl/bootstrap is
        // refused), else store it as an ordinary token.
        if (_fsm.Current.AclBootstrap is null)
        {
            var bootstrapped = await ProposeAsync(new AclBootstrapCommand { Token = token }, cancellationToken).ConfigureAwait(false);
            if (bootstrapped.Succeeded)
            {
                Log.BootstrappedInitialManagement(_logger, token.AccessorId);
                return;
            }
        }

        var result = await ProposeAsync(new AclTokenSetCommand { Token = token }, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded)
        {
            Log.CreatedInitialManagement(_logger, token.AccessorId);
        }
        else
        {
            Log.Refused(_logger, "initial management token", result.Error!);
        }
    }

    private async Task ReapAsync(long now, CancellationToken cancellationToken)
    {
        if (!_fsm.Current.AclTokens.Values.Any(token => token.IsExpiredAt(now)))
        {
            return;
        }

        var result = await ProposeAsync(new AclTokensExpireCommand { NowUnixMilliseconds = now }, cancellationToken).ConfigureAwait(false);
        if (result.Succeeded && result.Value > 0)
        {
            Log.ReapedTokens(_logger, result.Value);
        }
    }

    private ValueTask<ApplyResult> ProposeAsync(Command command, CancellationToken cancellationToken)
        => _raft.IsLeader ? _commands.ProposeAsync(command, cancellationToken) : throw new NotLeaderException();

    private static partial class Log
    {
        [LoggerMessage(EventId = 4401, Level = LogLevel.Information, Message = "ACL: created the built-in policy {Name}")]
        public static partial void CreatedPolicy(ILogger logger, string name);

        [LoggerMessage(EventId = 4402, Level = LogLevel.Information, Message = "ACL: created the anonymous token")]
        public static partial void CreatedAnonymousToken(ILogger logger);

        [LoggerMessage(EventId = 4403, Level = LogLevel.Information, Message = "ACL: bootstrapped with the initial management token from the configuration (accessor {AccessorId})")]
        public static partial void BootstrappedInitialManagement(ILogger logger, string accessorId);

        [LoggerMessage(EventId = 4404, Level = LogLevel.Information, Message = "ACL: created the initial management token from the configuration (accessor {AccessorId})")]
        public static partial void CreatedInitialManagement(ILogger logger, string accessorId);

        [LoggerMessage(EventId = 4405, Level = LogLevel.Warning, Message = "ACL: acl.tokens.initial_management is not a UUID; no token was created from it")]
        public static partial void InitialManagementNotUuid(ILogger logger);

        [LoggerMessage(EventId = 4406, Level = LogLevel.Information, Message = "ACL: deleted {Count} expired token(s)")]
        public static partial void ReapedTokens(ILogger logger, long count);

        [LoggerMessage(EventId = 4407, Level = LogLevel.Warning, Message = "ACL: could not create the {What}: {Reason}")]
        public static partial void Refused(ILogger logger, string what, string reason);

        [LoggerMessage(EventId = 4408, Level = LogLevel.Warning, Message = "ACL leader duties failed; retrying on the next tick")]
        public static partial void DutyFailed(ILogger logger, Exception error);
    }
}
