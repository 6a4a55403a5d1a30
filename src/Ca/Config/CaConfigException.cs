namespace Mesh.Ca.Config;

/// <summary>A CA configuration that cannot be used; the message says what is wrong and is shown to the operator.</summary>
public sealed class CaConfigException : Exception
{
    public CaConfigException()
    {
    }

    public CaConfigException(string message)
        : base(message)
    {
    }

    public CaConfigException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
