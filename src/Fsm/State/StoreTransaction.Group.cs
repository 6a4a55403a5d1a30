namespace Mesh.Fsm.State;

public sealed partial class StoreTransaction
{
    /// <summary>
    /// Takes over the changes of <paramref name="part"/>, a transaction at the same index that started from this one's
    /// state: how one command of a <see cref="Commands.GroupCommand"/> joins the entry once it succeeded (a refused one
    /// is simply dropped, so it leaves nothing half-done behind).
    /// </summary>
    public void Absorb(StoreTransaction part)
    {
        ArgumentNullException.ThrowIfNull(part);
        if (part.Index != Index)
        {
            throw new ArgumentException($"a part at index {part.Index} cannot join a transaction at index {Index}", nameof(part));
        }

        _state = part._state;
        _touched.UnionWith(part._touched);
    }
}
