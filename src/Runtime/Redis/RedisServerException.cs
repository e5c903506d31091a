namespace Silo.Runtime.Redis;

/// <summary>Redis answered a command with an error reply.</summary>
public sealed class RedisServerException : Exception
{
    public RedisServerException()
    {
    }

    public RedisServerException(string message)
        : base(message)
    {
    }

    public RedisServerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
