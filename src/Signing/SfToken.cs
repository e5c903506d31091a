namespace Silo.Signing;

/// <summary>A structured field token (unquoted, unlike a string).</summary>
internal sealed record SfToken(string Text);
