namespace Mesh.Agent.Hosting;

/// <summary>A service or check definition from a config file that cannot be registered.</summary>
public sealed class ConfigRegistrationException : Exception
{
    public ConfigRegistrationException()
    {
    }

    public ConfigRegistrationException(string message)
        : base(message)
    {
    }

    public ConfigRegistrationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
