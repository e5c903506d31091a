namespace Silo.Signing;

/// <summary>
/// A structured field item or inner list: <see cref="Value"/> is a <see cref="long"/>, <see cref="string"/>,
/// <see cref="SfToken"/>, <see cref="bool"/>, byte array, or (an inner list) a list of items.
/// </summary>
internal sealed record SfItem(object Value, IReadOnlyList<KeyValuePair<string, object>> Parameters)
{
    public object? Parameter(string key)
    {
        foreach (var (name, value) in Parameters)
        {
            if (name == key)
            {
                return value;
            }
        }

        return null;
    }
}
