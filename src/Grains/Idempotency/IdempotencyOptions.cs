using System.ComponentModel.DataAnnotations;

namespace Silo.Grains.Idempotency;

/// <summary>
/// Recorded Idempotency-Key responses (configuration section <c>Idempotency</c>): how large one may be (read by
/// front ends, which record) and how many bytes of them a silo holds (read by silos, which keep them).
/// </summary>
public sealed class IdempotencyOptions
{
    public const string SectionName = "Idempotency";

    /// <summary>
    /// The largest response body recorded for replay. A larger one still reaches the client; a repeat of its
    /// request is answered 409 <c>idempotent-response-not-recorded</c>. The default value is 1 MiB.
    /// </summary>
    [Range(0, 64 * 1024 * 1024, ErrorMessage = "Idempotency:MaxRecordBytes must be between 0 and 67108864.")]
    public int MaxRecordBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The most bytes of recorded responses one silo holds. Past it the oldest records are dropped first; a
    /// repeat of a dropped one is answered 409 <c>idempotent-response-not-recorded</c> (it was executed, and is
    /// not executed again). The default value is 64 MiB.
    /// </summary>
    [Range(64 * 1024, 64L * 1024 * 1024 * 1024, ErrorMessage = "Idempotency:MaxTotalBytes must be between 65536 and 68719476736.")]
    public long MaxTotalBytes { get; set; } = 64L * 1024 * 1024;
}
