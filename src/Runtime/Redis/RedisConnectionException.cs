namespace Silo.Runtime.Redis;

/// <summary>The connection to Redis is down (or went down while the command was pending); the client reconnects in the background.</summary>
public sealed class RedisConnectionException : Exception
{
    public RedisConnectionException()
    {
    }

    public RedisConnectionException(string message)
        : base(message)
    {
    }

    public RedisConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
