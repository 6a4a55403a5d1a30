namespace Mesh.LoadTest.Load;

/// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg: the machine may be shared, so runs record it.</summary>
public static class LoadAverage
{
    public static string Read()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
    }
}
