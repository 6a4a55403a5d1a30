namespace Mesh.Fsm.Feed;

/// <summary>What an applied log index did to the store.</summary>
public enum ChangeKind
{
    /// <summary>A command changed rows; the record names the watch keys it touched.</summary>
    Write,

    /// <summary>Nothing changed but the applied index: a Raft no-op or membership entry, or a refused command.</summary>
    NoOp,

    /// <summary>The whole state was replaced (snapshot install or operator restore): every key may have changed.</summary>
    Restore,
}
