using System.Buffers;

namespace VideoPlatform.Core.Storage;

/// <summary>What became of a chunk appended to a resumable upload.</summary>
public enum ChunkOutcome
{
    /// <summary>All the chunk's bytes are stored.</summary>
    Stored,

    /// <summary>The body ended (or failed) before the chunk's length: what arrived is kept, to resume from.</summary>
    Partial,

    /// <summary>Another writer holds the upload's file (two chunks of one session at once, even in two processes).</summary>
    Locked,

    /// <summary>The body is longer than the chunk announced; the file is back at the offset.</summary>
    TooLong,

    /// <summary>The upload's bytes are gone: it expired or was cancelled.</summary>
    Missing,
}

/// <summary>A chunk's outcome and the upload's stored length afterwards.</summary>
public readonly record struct ChunkWrite(ChunkOutcome Outcome, long Received);

/// <summary>What became of a file streamed in whole (a multipart upload).</summary>
public enum StageOutcome
{
    Stored,

    /// <summary>The file passed the maximum file size; the copy stopped there.</summary>
    TooLarge,

    /// <summary>The file passed what the user's quota leaves; the copy stopped there.</summary>
    QuotaReached,
}

/// <summary>A staged file's outcome and its stored length.</summary>
public readonly record struct StageWrite(StageOutcome Outcome, long Length);

/// <summary>
/// Upload staging in the media store (local: the finished file is probed by ffmpeg, then published as the original):
/// bodies go from a stream to a file under <see cref="MediaStore.UploadsRoot"/> through one pooled 256 KiB buffer, never
/// to memory. A resumable upload is one file per session, appended chunk by chunk; a multipart upload one file per request.
/// </summary>
public sealed class UploadStaging(MediaStore store)
{
    private const int CopyBufferSize = 256 * 1024;

    /// <summary>Local: the file holding an upload's bytes (a session id or a name from <see cref="NewFileName"/>).</summary>
    public string PathOf(string uploadId) => store.UploadPath(uploadId);

    /// <summary>A fresh name for a file staged by one request (a multipart upload).</summary>
    public static string NewFileName() => "multipart-" + Guid.NewGuid().ToString("N");

    /// <summary>An empty file for a new resumable session.</summary>
    public async Task CreateAsync(string uploadId)
    {
        await using (File.Create(PathOf(uploadId)))
        {
        }
    }

    public bool Exists(string uploadId) => File.Exists(PathOf(uploadId));

    /// <summary>Removes an upload's bytes (a missing file is fine).</summary>
    public void Delete(string uploadId) => store.Delete(PathOf(uploadId));

    /// <summary>
    /// Marks a staged file as in use until disposed (its inspection and publication may outlast the sweep's lifetime on a
    /// loaded machine): a shared lock on the file, which <see cref="TryDeleteUnused"/>'s exclusive one cannot take, in this
    /// process or another; readers (ffprobe, the container check) and the move that publishes it are not hindered. Null
    /// when the file is gone.
    /// </summary>
    public static IDisposable? Hold(string path)
    {
        try
        {
            // .NET takes flock(LOCK_SH) for a share mode other than None, LOCK_EX for None.
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Removes an abandoned upload's bytes unless a request is writing or <see cref="Hold">holds</see> them, in any process:
    /// true when they are gone, false when they are in use (left for a later sweep).
    /// </summary>
    public bool TryDeleteUnused(string uploadId)
    {
        var path = PathOf(uploadId);
        try
        {
            // The exclusive lock is kept while the file is unlinked: no writer or holder can start in between.
            using var exclusive = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None, bufferSize: 1);
            store.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Every staged file with its last write time (UTC), for the sweep of abandoned uploads.</summary>
    public IEnumerable<(string UploadId, DateTime LastWriteUtc)> List() =>
        Directory.EnumerateFiles(store.UploadsRoot).Select(path => (Path.GetFileName(path), File.GetLastWriteTimeUtc(path)));

    /// <summary>
    /// Appends <paramref name="body"/> at <paramref name="offset"/>, at most <paramref name="length"/> bytes. Bytes beyond
    /// the recorded offset (a chunk cut after its bytes hit the disk but before the offset was recorded) are dropped first,
    /// so the file always equals the record. A body that fails or is cancelled mid-chunk keeps what arrived
    /// (<see cref="ChunkOutcome.Partial"/>); an I/O failure of the file itself is thrown, unless the file is gone
    /// (<see cref="ChunkOutcome.Missing"/>, when <paramref name="ct"/> is not cancelled).
    /// </summary>
    public async Task<ChunkWrite> AppendAsync(string uploadId, Stream body, long offset, long length, CancellationToken ct)
    {
        var path = PathOf(uploadId);
        try
        {
            return await AppendToAsync(path, body, offset, length, ct);
        }
        catch (IOException) when (!ct.IsCancellationRequested && !File.Exists(path))
        {
            return new ChunkWrite(ChunkOutcome.Missing, offset);
        }
    }

    private static async Task<ChunkWrite> AppendToAsync(string path, Stream body, long offset, long length, CancellationToken ct)
    {
        FileStream file;
        try
        {
            // FileShare.None takes an advisory lock: two writers of one session (even in two processes) cannot interleave.
            file = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Write, Share = FileShare.None, Options = FileOptions.Asynchronous });
        }
        catch (IOException) when (File.Exists(path))
        {
            return new ChunkWrite(ChunkOutcome.Locked, offset);
        }
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        var written = 0L;
        await using (file)
        {
            try
            {
                file.SetLength(offset);
                file.Position = offset;
                while (true)
                {
                    int read;
                    try
                    {
                        read = await body.ReadAsync(buffer.AsMemory(0, CopyBufferSize), ct);
                    }
                    // ASP.NET Core's BadHttpRequestException (a body cut or too slow) is an IOException.
                    catch (Exception ex) when (ex is IOException or OperationCanceledException)
                    {
                        await file.FlushAsync(CancellationToken.None);
                        return new ChunkWrite(ChunkOutcome.Partial, offset + written);
                    }
                    if (read == 0)
                    {
                        break;
                    }
                    if (written + read > length)
                    {
                        file.SetLength(offset);
                        return new ChunkWrite(ChunkOutcome.TooLong, offset);
                    }
                    await file.WriteAsync(buffer.AsMemory(0, read), CancellationToken.None);
                    written += read;
                }
                await file.FlushAsync(CancellationToken.None);
                return new ChunkWrite(written < length ? ChunkOutcome.Partial : ChunkOutcome.Stored, offset + written);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Streams <paramref name="body"/> into a new staged file, stopping as soon as it passes <paramref name="maxSize"/>
    /// or <paramref name="quotaLeft"/> (what is written so far stays, for the caller to delete with the rest).
    /// </summary>
    public async Task<StageWrite> WriteNewAsync(string uploadId, Stream body, long maxSize, long quotaLeft, CancellationToken ct)
    {
        await using var file = new FileStream(PathOf(uploadId), FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferSize, FileOptions.Asynchronous);
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            long size = 0;
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, CopyBufferSize), ct)) > 0)
            {
                size += read;
                if (size > maxSize)
                {
                    return new StageWrite(StageOutcome.TooLarge, size - read);
                }
                if (size > quotaLeft)
                {
                    return new StageWrite(StageOutcome.QuotaReached, size - read);
                }
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
            return new StageWrite(StageOutcome.Stored, size);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
