using Microsoft.Extensions.Logging.Abstractions;
using Silo.Runtime.Membership;
using Silo.Runtime.Tests.Persistence;

namespace Silo.Runtime.Tests.Membership;

[Trait("Category", "Redis")]
[Collection("Redis")]
public sealed class RedisMembershipTableTests(RedisFixture redis) : MembershipTableContractTests, IClassFixture<RedisFixture>
{
    protected override Task<IMembershipTable> CreateTableAsync() =>
        Task.FromResult<IMembershipTable>(new RedisMembershipTable(redis.Client, "c-" + Guid.NewGuid().ToString("N")[..8], TimeProvider.System, NullLogger.Instance));
}
