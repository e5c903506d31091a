namespace Silo.Signing;

/// <summary>
/// A request as signatures see it: its method, the target URI it was sent to (scheme, authority, and the
/// request-target exactly as sent), its header fields by lowercase name (several field lines joined with
/// <c>", "</c>; null when absent), and whether it has a body (then <c>content-digest</c> must be covered).
/// </summary>
public sealed record SignedMessage(string Method, string TargetUri, Func<string, string?> Field, bool HasBody);
