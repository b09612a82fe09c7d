#!/bin/bash
# /opt/kafka/bin/kafka-topics.sh of the stack's Kafka image, as in apache/kafka.
exec java -Xmx128m -XX:TieredStopAtLevel=1 -cp '/opt/kafka/libs/*' -Dlog4j2.configurationFile=/opt/kafka/config/tools-log4j2.xml \
  org.apache.kafka.tools.TopicCommand "$@"
