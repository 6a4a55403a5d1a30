using Mesh.Fsm.State;
using Mesh.Fsm.Tests.Support;

namespace Mesh.Fsm.Tests.State;

public sealed class RowContentTests
{
    [Fact]
    public void Same_EqualRows_IsTrue()
    {
        Assert.True(RowContent.Same(Catalog.Service("s1", "web", 8080, "a", "b"), Catalog.Service("s1", "web", 8080, "a", "b")));
    }

    [Fact]
    public void Same_RowsDifferingInATag_IsFalse()
    {
        Assert.False(RowContent.Same(Catalog.Service("s1", "web", 8080, "a"), Catalog.Service("s1", "web", 8080, "b")));
    }

    [Fact]
    public void Same_RowsLargerThanOnePooledBuffer_ComparesAllOfThem()
    {
        // Tags far beyond the first 1 KiB buffer, differing only in the last one: the buffers must grow, not truncate.
        var tags = Enumerable.Range(0, 300).Select(i => $"tag-{i}").ToArray();
        var changed = tags.ToArray();
        changed[^1] = "tag-last";

        Assert.True(RowContent.Same(Catalog.Service("s1", "web", 8080, tags), Catalog.Service("s1", "web", 8080, [.. tags])));
        Assert.False(RowContent.Same(Catalog.Service("s1", "web", 8080, tags), Catalog.Service("s1", "web", 8080, changed)));
    }
}
