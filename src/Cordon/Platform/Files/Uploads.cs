using System.Text;
using Cordon.Platform.Web;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Cordon.Platform.Files;

/// <summary>A file received by <see cref="Uploads.ReceiveAsync"/>: on disk at the path the caller chose, with the form's text fields.</summary>
public sealed record ReceivedUpload(string FileName, long Bytes, IReadOnlyDictionary<string, string> Fields);

/// <summary>
/// Receives one file from a multipart/form-data body straight to a file (0600) in the data directory, counting
/// bytes as they arrive and stopping at the limit. Never <c>IFormFile</c>: form reading buffers a large file in
/// the system's temporary folder, outside the data directory, and whole before the handler runs.
/// </summary>
public static class Uploads
{
    private const int MaxFields = 20;
    private const int MaxFieldChars = 4096;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Reads the body; text fields before the file are collected and handed to <paramref name="beforeFile"/>, which may
    /// refuse the upload (a page checks its antiforgery token there) before a byte of the file is written.
    /// </summary>
    public static async Task<(ReceivedUpload? Upload, Error? Error)> ReceiveAsync(
        HttpRequest request, string field, string path, long maxBytes,
        Func<IReadOnlyDictionary<string, string>, Task<Error?>>? beforeFile, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes + (1024 * 1024))
        {
            return (null, FileErrors.FileTooLarge);
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            return (null, FileErrors.FileMissing);
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new MultipartReader(boundary, request.Body);
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (!disposition.IsFileDisposition())
                {
                    if (fields.Count < MaxFields)
                    {
                        fields[name] = await ReadFieldAsync(section.Body, cancellationToken);
                    }

                    continue;
                }

                if (name != field)
                {
                    continue;
                }

                if (beforeFile is not null && await beforeFile(fields) is { } refused)
                {
                    return (null, refused);
                }

                var fileName = Path.GetFileName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value
                    ?? HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "upload");
                var bytes = await CopyAsync(section.Body, path, maxBytes, cancellationToken);
                if (bytes < 0)
                {
                    return (null, FileErrors.FileTooLarge);
                }

                if (bytes == 0)
                {
                    File.Delete(path);
                    return (null, FileErrors.FileMissing);
                }

                return (new ReceivedUpload(fileName.Length > 200 ? fileName[^200..] : fileName, bytes, fields), null);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            File.Delete(path);
            return (null, FileErrors.FileTooLarge);
        }
        catch (Exception e) when (e is IOException or InvalidDataException && !cancellationToken.IsCancellationRequested)
        {
            // A cut-off or malformed body: nothing half-written stays behind.
            File.Delete(path);
            return (null, FileErrors.FileMissing);
        }

        return (null, FileErrors.FileMissing);
    }

    /// <summary>A file only its owner can read, created new (never over another upload).</summary>
    public static FileStream CreateOwnerOnly(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 64 * 1024 };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        return new FileStream(path, options);
    }

    /// <summary>Bytes written, or -1 when the limit was passed (the partial file is deleted).</summary>
    private static async Task<long> CopyAsync(Stream body, string path, long maxBytes, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        await using (var target = CreateOwnerOnly(path))
        {
            try
            {
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                    {
                        break;
                    }

                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }
            catch
            {
                await target.DisposeAsync();
                File.Delete(path);
                throw;
            }
        }

        if (total > maxBytes)
        {
            File.Delete(path);
            return -1;
        }

        return total;
    }

    private static async Task<string> ReadFieldAsync(Stream body, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 1024, leaveOpen: true);
        var buffer = new char[MaxFieldChars];
        var length = await reader.ReadBlockAsync(buffer, cancellationToken);

        // The rest of an oversized field is skipped, not kept.
        while (await reader.ReadAsync(new char[1024], cancellationToken) > 0)
        {
        }

        return new string(buffer, 0, length);
    }
}
