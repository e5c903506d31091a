namespace Silo.Runtime.Activation;

/// <summary>One <c>AddGrain&lt;TInterface, TGrain&gt;()</c> registration.</summary>
internal sealed record GrainClassRegistration(Type InterfaceType, Type ClassType);
