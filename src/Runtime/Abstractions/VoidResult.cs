namespace Silo.Runtime;

/// <summary>The result type of a grain method that returns <see cref="Task"/> or <see cref="ValueTask"/>.</summary>
public readonly record struct VoidResult;
