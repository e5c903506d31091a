namespace Silo.Runtime.Redis;

/// <summary>The RESP2 reply kinds.</summary>
public enum RedisResultType
{
    SimpleString,
    Error,
    Integer,
    BulkString,
    Array,
    Null,
}
