package dev.jclip.embed;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A partition's metadata as Parquet, through parquet-hadoop's Hadoop-free file API (local files,
 * {@link PlainParquetConfiguration}). Pages are uncompressed: Parquet's codecs would pull in
 * Hadoop's runtime, and the metadata is small beside the embeddings.
 */
public final class MetadataFile {
    /** The schema every engine writes. */
    public static final MessageType SCHEMA = Types.buildMessage()
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("key")
            .required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("source")
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("member")
            .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("caption")
            .required(PrimitiveTypeName.INT32).named("label")
            .required(PrimitiveTypeName.INT32).named("width")
            .required(PrimitiveTypeName.INT32).named("height")
            .required(PrimitiveTypeName.INT64).named("bytes")
            .named("jclip_embedding_metadata");

    private MetadataFile() {
    }

    /** Writes {@code rows} to a new file {@code file} (which must not exist) with key-value metadata. */
    public static void write(Path file, List<MetadataRow> rows, Map<String, String> keyValues) throws IOException {
        SimpleGroupFactory f = new SimpleGroupFactory(SCHEMA);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(new PlainParquetConfiguration()).withType(SCHEMA)
                .withCompressionCodec(CompressionCodecName.UNCOMPRESSED).withExtraMetaData(keyValues).build()) {
            for (MetadataRow r : rows) {
                Group g = f.newGroup().append("key", r.key()).append("source", r.source());
                if (r.member() != null) {
                    g.append("member", r.member());
                }
                if (r.caption() != null) {
                    g.append("caption", r.caption());
                }
                w.write(g.append("label", r.label()).append("width", r.width()).append("height", r.height())
                        .append("bytes", r.bytes()));
            }
        }
    }

    /** The rows of a file, in order. */
    public static List<MetadataRow> read(Path file) throws IOException {
        List<MetadataRow> out = new ArrayList<>();
        try (ParquetFileReader r = open(file)) {
            MessageType schema = r.getFooter().getFileMetaData().getSchema();
            PageReadStore rg;
            while ((rg = r.readNextRowGroup()) != null) {
                RecordReader<Group> rr = new ColumnIOFactory().getColumnIO(schema)
                        .getRecordReader(rg, new GroupRecordConverter(schema));
                for (long i = 0; i < rg.getRowCount(); i++) {
                    Group g = rr.read();
                    out.add(new MetadataRow(g.getString("key", 0), g.getString("source", 0), optional(g, "member"),
                            optional(g, "caption"), g.getInteger("label", 0), g.getInteger("width", 0),
                            g.getInteger("height", 0), g.getLong("bytes", 0)));
                }
            }
        }
        return out;
    }

    /** The file's key-value metadata. */
    public static Map<String, String> keyValues(Path file) throws IOException {
        try (ParquetFileReader r = open(file)) {
            return Map.copyOf(r.getFooter().getFileMetaData().getKeyValueMetaData());
        }
    }

    private static ParquetFileReader open(Path file) throws IOException {
        return ParquetFileReader.open(new LocalInputFile(file),
                ParquetReadOptions.builder(new PlainParquetConfiguration()).build());
    }

    private static String optional(Group g, String field) {
        return g.getFieldRepetitionCount(field) == 0 ? null : g.getString(field, 0);
    }
}
