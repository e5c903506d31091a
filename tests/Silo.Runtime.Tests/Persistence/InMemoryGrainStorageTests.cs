using Silo.Runtime.Persistence;

namespace Silo.Runtime.Tests.Persistence;

public sealed class InMemoryGrainStorageTests : GrainStorageContractTests
{
    protected override Task<IGrainStorage> CreateStorageAsync() => Task.FromResult<IGrainStorage>(new InMemoryGrainStorage());
}
