namespace Mesh.Agent.Tests;

/// <summary>Bounded polling for conditions that become true asynchronously (a check run, a process start).</summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = await read();
        while (!done(last))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out after {timeout.TotalSeconds}s waiting for {what}; last value: {last}");
            }

            await Task.Delay(50);
            last = await read();
        }

        return last;
    }
}
