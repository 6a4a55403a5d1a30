namespace Mesh.Agent.Tests.Cli;

/// <summary>Sets variables (null unsets) and puts the previous values back on dispose.</summary>
public sealed class EnvironmentScope : IDisposable
{
    private readonly List<(string Name, string? Value)> _saved = [];

    public EnvironmentScope(params (string Name, string? Value)[] settings)
    {
        foreach (var (name, value) in settings)
        {
            if (!_saved.Exists(s => s.Name == name))
            {
                _saved.Add((name, Environment.GetEnvironmentVariable(name)));
            }

            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
