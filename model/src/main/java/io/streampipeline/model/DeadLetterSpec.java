package io.streampipeline.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The topic that receives records a source cannot read, with their original bytes and headers. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeadLetterSpec extends TopicSpec {}
