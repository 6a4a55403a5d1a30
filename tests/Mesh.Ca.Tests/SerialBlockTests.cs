using Mesh.Ca.Signing;
using Mesh.Fsm.Commands;

namespace Mesh.Ca.Tests;

/// <summary>Serial blocks with the next block reserved ahead: every serial is unique and comes from a reserved block.</summary>
public sealed class SerialBlockTests
{
    [Fact]
    public async Task NextAsync_ConcurrentCallersAcrossManyBlocks_GetUniqueReservedSerials()
    {
        var reserved = new List<(long Start, long End)>();
        long counter = 1;
        var gate = new object();
        using var block = new SerialBlock(async (command, cancellationToken) =>
        {
            await Task.Yield();
            var count = ((CaReserveSerialsCommand)command).Count;
            lock (gate)
            {
                var start = counter;
                counter += count;
                reserved.Add((start, start + count));
                return new ApplyResult(start) { Value = start };
            }
        })
        {
            BlockSize = 10,
        };

        var serials = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var own = new List<long>();
            for (var i = 0; i < 50; i++)
            {
                own.Add(await block.NextAsync(CancellationToken.None));
            }

            return own;
        })));

        var all = serials.SelectMany(s => s).ToList();
        Assert.Equal(400, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
        lock (gate)
        {
            Assert.All(all, serial => Assert.Contains(reserved, r => serial >= r.Start && serial < r.End));
            Assert.InRange(reserved.Count, 40, 42); // 40 blocks used, at most the ones reserved ahead unused
        }

        foreach (var own in serials)
        {
            Assert.Equal(own.Order(), own); // one caller's serials only grow
        }
    }

    [Fact]
    public async Task NextAsync_ReservationFails_ReportsNotReady()
    {
        using var block = new SerialBlock((_, _) => ValueTask.FromResult(new ApplyResult(0, "no quorum")));
        var error = await Assert.ThrowsAsync<LeafSigningException>(() => block.NextAsync(CancellationToken.None).AsTask());
        Assert.Equal(LeafSigningError.NotReady, error.Kind);
        Assert.Contains("no quorum", error.Message);
    }
}
