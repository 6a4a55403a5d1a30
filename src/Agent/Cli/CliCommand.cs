namespace Mesh.Agent.Cli;

/// <summary>One <c>mesh</c> subcommand.</summary>
public interface ICliCommand
{
    /// <summary>The words that select it, e.g. <c>catalog services</c>.</summary>
    string Name { get; }

    string Synopsis { get; }

    Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken);
}

/// <summary>Where a command writes (swappable so tests can run commands in-process).</summary>
public sealed record CliConsole(TextWriter Out, TextWriter Error)
{
    /// <summary>Standard input, for arguments given as <c>-</c> (<c>acl policy create -rules -</c>).</summary>
    public TextReader In { get; init; } = Console.In;

    /// <summary>
    /// The process's start-up timeline, begun in <c>Main</c>; <c>mesh agent</c> marks its phases on it and logs it at
    /// trace level once the first request is served. Null (in-process callers): none is kept.
    /// </summary>
    public Mesh.Server.Hosting.StartupTimeline? Startup { get; init; }

    public static CliConsole Standard { get; } = new(Console.Out, Console.Error);
}
