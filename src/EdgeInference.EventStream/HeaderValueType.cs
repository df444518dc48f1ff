namespace EdgeInference.EventStream;

/// <summary>The wire type byte of an event-stream header value (aws-c-event-stream <c>aws_event_stream_header_value_type</c>).</summary>
public enum HeaderValueType : byte
{
    /// <summary>Boolean <c>true</c>; no value bytes.</summary>
    BoolTrue = 0,

    /// <summary>Boolean <c>false</c>; no value bytes.</summary>
    BoolFalse = 1,

    /// <summary>Signed 8-bit integer.</summary>
    Byte = 2,

    /// <summary>Big-endian signed 16-bit integer.</summary>
    Int16 = 3,

    /// <summary>Big-endian signed 32-bit integer.</summary>
    Int32 = 4,

    /// <summary>Big-endian signed 64-bit integer.</summary>
    Int64 = 5,

    /// <summary>Length-prefixed (uint16) raw bytes.</summary>
    ByteArray = 6,

    /// <summary>Length-prefixed (uint16) UTF-8 string.</summary>
    String = 7,

    /// <summary>Big-endian signed 64-bit milliseconds since the Unix epoch.</summary>
    Timestamp = 8,

    /// <summary>Exactly 16 raw bytes (RFC 4122 byte order).</summary>
    Uuid = 9,
}
