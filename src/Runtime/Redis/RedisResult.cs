using System.Globalization;
using System.Text;

namespace Silo.Runtime.Redis;

/// <summary>One RESP2 reply: a simple string, an error, an integer, a bulk string, an array, or null.</summary>
public sealed class RedisResult
{
    public static readonly RedisResult Null = new(RedisResultType.Null, null, 0, null, null);

    private RedisResult(RedisResultType type, string? text, long integer, byte[]? bulk, RedisResult[]? items)
    {
        Type = type;
        Text = text;
        Integer = integer;
        Bulk = bulk;
        Items = items;
    }

    public RedisResultType Type { get; }

    /// <summary>The text of a simple string or an error.</summary>
    public string? Text { get; }

    public long Integer { get; }

    /// <summary>The bytes of a bulk string.</summary>
    public byte[]? Bulk { get; }

    /// <summary>The elements of an array.</summary>
    public IReadOnlyList<RedisResult>? Items { get; }

    public bool IsNull => Type == RedisResultType.Null;

    public bool IsError => Type == RedisResultType.Error;

    public static RedisResult Simple(string text) => new(RedisResultType.SimpleString, text, 0, null, null);

    public static RedisResult Error(string text) => new(RedisResultType.Error, text, 0, null, null);

    public static RedisResult Int(long value) => new(RedisResultType.Integer, null, value, null, null);

    public static RedisResult BulkString(byte[] value) => new(RedisResultType.BulkString, null, 0, value, null);

    public static RedisResult Array(RedisResult[] items) => new(RedisResultType.Array, null, 0, null, items);

    /// <summary>The reply as a string (simple or bulk), null for a null reply.</summary>
    public string? AsString() => Type switch
    {
        RedisResultType.SimpleString or RedisResultType.Error => Text,
        RedisResultType.BulkString => Encoding.UTF8.GetString(Bulk!),
        RedisResultType.Integer => Integer.ToString(CultureInfo.InvariantCulture),
        RedisResultType.Null => null,
        _ => throw new InvalidCastException($"A {Type} reply is not a string."),
    };

    public long AsInt64() => Type switch
    {
        RedisResultType.Integer => Integer,
        RedisResultType.BulkString or RedisResultType.SimpleString => long.Parse(AsString()!, CultureInfo.InvariantCulture),
        _ => throw new InvalidCastException($"A {Type} reply is not an integer."),
    };

    public override string ToString() => Type switch
    {
        RedisResultType.Array => "[" + string.Join(", ", Items!.Select(i => i.ToString())) + "]",
        RedisResultType.Null => "(nil)",
        RedisResultType.Error => "(error) " + Text,
        _ => AsString() ?? string.Empty,
    };
}
